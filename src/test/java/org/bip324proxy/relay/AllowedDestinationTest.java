package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("fast")
class AllowedDestinationTest {
    @ParameterizedTest(name = "{0} allows {1}:{2}: {3}")
    @CsvSource({
        "127.0.0.1, 127.0.0.1, 18444, true", "127.0.0.1, 127.0.0.1, 1, true", "127.0.0.1, 127.0.0.2, 18444, false",
        "127.0.0.0/8, 127.9.9.9, 80, true", "127.0.0.0/8, 128.0.0.1, 80, false",
        "10.0.0.0/8:8333, 10.1.2.3, 8333, true", "10.0.0.0/8:8333, 10.1.2.3, 8334, false",
        "'192.168.1.0/24:18444-18445,38333', 192.168.1.7, 18445, true",
        "'192.168.1.0/24:18444-18445,38333', 192.168.1.7, 38333, true",
        "'192.168.1.0/24:18444-18445,38333', 192.168.1.7, 18446, false",
        "'192.168.1.0/24:18444-18445,38333', 192.168.2.7, 18444, false",
        "0.0.0.0/0:8333, 8.8.8.8, 8333, true",
        "fd00::/8, fd12::1, 1, true", "fd00::/8, fe80::1, 1, false",
        "[fd00::/8]:8333, fd12::1, 8333, true", "[fd00::/8]:8333, fd12::1, 8334, false",
        "[::1]:18444, ::1, 18444, true", "[::1]:18444, ::1, 18445, false", "::1, ::1, 5, true",
        // IPv4 and IPv4-mapped IPv6 are the same destination, written either way
        "127.0.0.1, ::ffff:127.0.0.1, 18444, true", "::ffff:127.0.0.0/104, 127.0.0.5, 9, true",
        "::ffff:10.0.0.0/104, 10.2.3.4, 9, true", "::/0, 127.0.0.1, 9, false",
    })
    void matches(String entry, String address, int port, boolean expected) throws Exception {
        assertEquals(expected, AllowedDestination.parse(entry).matches(new InetSocketAddress(InetAddress.getByName(address), port)));
    }

    @Test
    void anIpv4EntryMatchesAMappedAddressKeptAsIpv6() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        InetSocketAddress dest = new InetSocketAddress(Inet6Address.getByAddress(null, mapped, -1), 18444);
        assertTrue(AllowedDestination.parse("127.0.0.1:18444").matches(dest));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "localhost | 'localhost' is not an IPv4 or IPv6 address",
        "example.com:8333 | 'example.com' is not an IPv4 or IPv6 address",
        "127.1 | '127.1' is not an IPv4 or IPv6 address",
        "256.0.0.1 | '256.0.0.1' is not an IPv4 or IPv6 address",
        "1:2 | '1:2' is not an IPv4 or IPv6 address",
        "10.0.0.0/33 | prefix length must be 0..32",
        "fd00::/129 | prefix length must be 0..128",
        "10.0.0.0/x | prefix length 'x' is not a number",
        "10.0.0.1/8 | address bits set beyond the /8 prefix",
        "10.0.0.0/8:0 | port 0 is outside 1..65535",
        "10.0.0.0/8:70000 | port 70000 is outside 1..65535",
        "10.0.0.0/8:http | port 'http' is not a number",
        "10.0.0.0/8:9-8 | port range 9-8 is empty",
        "10.0.0.0/8: | port '' is not a number",
        "[fd00::/8 | missing ']'",
        "::ffff:10.0.0.0/95 | an IPv4-mapped range needs a prefix of /96 or longer",
        "[fd00::/8]8333 | expected ':PORTS' after ']'",
        "'' | '' is not an IPv4 or IPv6 address",
    })
    void rejectsBadEntriesWithAOneLineReason(String entry, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AllowedDestination.parse(entry));
        assertTrue(e.getMessage().startsWith("--allow-destination '" + entry + "': " + expected), e.getMessage());
        assertTrue(e.getMessage().contains("Expected CIDR[:PORTS]"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
