package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("fast")
class AddressClassTest {
    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "0.0.0.0, UNSPECIFIED", "::, UNSPECIFIED",
        "127.0.0.1, LOOPBACK", "127.255.255.254, LOOPBACK", "::1, LOOPBACK",
        "169.254.1.1, LINK_LOCAL", "fe80::1, LINK_LOCAL", "febf::1, LINK_LOCAL",
        "10.0.0.1, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE", "192.168.1.1, PRIVATE",
        "100.64.0.1, PRIVATE", "100.127.255.255, PRIVATE", "fc00::1, PRIVATE", "fd00:b324::2, PRIVATE",
        "fec0::1, PRIVATE", "64:ff9b:1::1, PRIVATE",
        "224.0.0.1, MULTICAST", "239.255.255.250, MULTICAST", "ff02::1, MULTICAST", "ff0e::1, MULTICAST",
        "0.1.2.3, RESERVED", "240.0.0.1, RESERVED", "255.255.255.255, RESERVED", "192.0.2.1, RESERVED",
        "198.51.100.7, RESERVED", "203.0.113.9, RESERVED", "198.18.0.1, RESERVED", "198.19.255.255, RESERVED",
        "192.0.0.8, RESERVED", "2001:db8::1, RESERVED", "::7f00:1, RESERVED", "4000::1, RESERVED", "100::1, RESERVED",
        "1.1.1.1, PUBLIC", "8.8.8.8, PUBLIC", "172.15.255.255, PUBLIC", "172.32.0.1, PUBLIC", "100.63.255.255, PUBLIC",
        "100.128.0.1, PUBLIC", "169.253.0.1, PUBLIC", "198.20.0.1, PUBLIC", "223.255.255.255, PUBLIC",
        "2001:4860:4860::8888, PUBLIC", "2a00:1450::1, PUBLIC",
        // IPv6 forms that embed an IPv4 address are classified by it
        "::ffff:127.0.0.1, LOOPBACK", "::ffff:10.1.2.3, PRIVATE", "::ffff:8.8.8.8, PUBLIC", "::ffff:0.0.0.0, UNSPECIFIED",
        "64:ff9b::7f00:1, LOOPBACK", "64:ff9b::a00:1, PRIVATE", "64:ff9b::808:808, PUBLIC", "64:ff9b::, RESERVED",
        "64:ff9b:0:1::808:808, RESERVED",
        "2002:7f00:1::1, LOOPBACK", "2002:c0a8:101::1, PRIVATE", "2002:a9fe:101::1, LINK_LOCAL", "2002:808:808::1, PUBLIC",
    })
    void classifies(String literal, AddressClass expected) throws Exception {
        assertEquals(expected, AddressClass.of(InetAddress.getByName(literal)));
    }

    @Test
    void anIpv4MappedAddressKeptAsIpv6IsReadAsIpv4() throws Exception {
        // Inet6Address.getByAddress keeps ::ffff:127.0.0.1 as an Inet6Address (getByName would convert it).
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        InetAddress v6 = Inet6Address.getByAddress(null, mapped, -1);
        assertEquals(Inet6Address.class, v6.getClass());
        assertEquals(AddressClass.LOOPBACK, AddressClass.of(v6));
        assertEquals(InetAddress.getByName("127.0.0.1"), AddressClass.canonical(v6));
    }

    @Test
    void logNamesAreLowerCaseWithHyphens() {
        assertEquals("link-local", AddressClass.LINK_LOCAL.logName());
    }
}
