package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("fast")
class EndpointsTest {
    @ParameterizedTest
    @CsvSource({
        "::, '[::]:8333'",
        "::1, '[::1]:8333'",
        "fd00:b324:0:0:1:0:0:2, '[fd00:b324::1:0:0:2]:8333'",
        "2001:db8:0:1:1:1:1:1, '[2001:db8:0:1:1:1:1:1]:8333'",
        "1:0:0:2:0:0:0:3, '[1:0:0:2::3]:8333'",
        "127.0.0.1, '127.0.0.1:8333'",
    })
    void formatsAddressesForLogs(String ip, String expected) throws Exception {
        assertEquals(expected, Endpoints.format(new InetSocketAddress(InetAddress.getByName(ip), 8333)));
    }
}
