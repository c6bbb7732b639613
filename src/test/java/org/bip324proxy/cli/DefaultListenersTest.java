package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class DefaultListenersTest {
    @Test
    void bothLoopbacksWithIpv6AndOnlyIpv4Without() {
        assertEquals("127.0.0.1:1324 [0:0:0:0:0:0:0:1]:1324", format(DefaultListeners.choose(() -> true)));
        assertEquals("127.0.0.1:1324", format(DefaultListeners.choose(() -> false)));
    }

    private static String format(List<java.net.InetSocketAddress> addresses) {
        return String.join(" ", addresses.stream()
                .map(a -> (a.getAddress() instanceof java.net.Inet6Address ? "[" + a.getAddress().getHostAddress() + "]"
                        : a.getAddress().getHostAddress()) + ":" + a.getPort()).toList());
    }
}
