package org.bip324proxy.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The listeners used without {@code --listen}: 127.0.0.1:1324 and [::1]:1324 (IPv6 redirects land
 * on ::1), or only the IPv4 one on a host without IPv6 loopback, where the redirect rules skip IPv6
 * too. Listeners the user names are used as given and fail hard.
 */
final class DefaultListeners {
    static final int PORT = 1324;
    static final InetSocketAddress IPV4 = new InetSocketAddress(address(127, 0, 0, 1), PORT);
    static final InetSocketAddress IPV6 = new InetSocketAddress(address(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), PORT);
    static final String NO_IPV6_NOTICE = "IPv6 is not available on this host (no ::1): listening on 127.0.0.1:"
            + PORT + " only; the redirect rules skip IPv6 too";

    private DefaultListeners() {
    }

    /** The default listeners, for a host with or without IPv6 loopback. */
    static List<InetSocketAddress> choose(BooleanSupplier ipv6Loopback) {
        return ipv6Loopback.getAsBoolean() ? List.of(IPV4, IPV6) : List.of(IPV4);
    }

    /** Whether this JVM and host can bind [::1] (not with IPv6 disabled, or ::1 removed from lo). */
    static boolean ipv6LoopbackWorks() {
        try (ServerSocketChannel probe = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress(IPV6.getAddress(), 0));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static InetAddress address(int... bytes) {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes
        }
    }
}
