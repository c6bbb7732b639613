package org.bip324proxy.relay;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.bip324proxy.bytes.Endian;

/**
 * What kind of address a destination is, from its bytes alone (no lookups). IPv4 ranges follow
 * the IANA special-purpose registry (RFC 6890 and its updates); IPv6 addresses that embed an IPv4
 * address (IPv4-mapped {@code ::ffff:0:0/96}, NAT64 {@code 64:ff9b::/96} of RFC 6052, 6to4
 * {@code 2002::/16} of RFC 3056) are classified by the IPv4 address they lead to.
 */
public enum AddressClass {
    /** {@code 0.0.0.0}, {@code ::}: "this host", never a peer. */
    UNSPECIFIED,
    /** {@code 127.0.0.0/8}, {@code ::1}: services of this host. */
    LOOPBACK,
    /** {@code 169.254.0.0/16}, {@code fe80::/10} (RFC 3927, RFC 4291). */
    LINK_LOCAL,
    /** RFC 1918, shared address space {@code 100.64.0.0/10} (RFC 6598), ULA {@code fc00::/7}, site-local {@code fec0::/10}, local-use NAT64 {@code 64:ff9b:1::/48}. */
    PRIVATE,
    /** {@code 224.0.0.0/4}, {@code ff00::/8}. */
    MULTICAST,
    /** Documentation, benchmarking, protocol-assignment, "this network", class E and broadcast, deprecated IPv4-compatible IPv6, and IPv6 outside global unicast {@code 2000::/3}. */
    RESERVED,
    /** Everything else: a global unicast address. */
    PUBLIC;

    /** The class's name in logs and rule names, e.g. {@code link-local}. */
    public String logName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Classifies {@code address}. */
    public static AddressClass of(InetAddress address) {
        InetAddress a = canonical(address);
        if (a instanceof Inet4Address) {
            return ofIpv4(a.getAddress());
        }
        return ofIpv6(a.getAddress());
    }

    /**
     * The address as the kernel would dial it: an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d},
     * RFC 4291 section 2.5.5.2) becomes the IPv4 address, so it cannot slip past IPv4 rules.
     */
    public static InetAddress canonical(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address && isMapped(b)) {
            return ipv4(b, 12);
        }
        return address;
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    private static AddressClass ofIpv4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        if (a0 == 0) {
            return (b[1] | b[2] | b[3]) == 0 ? UNSPECIFIED : RESERVED; // 0.0.0.0/8 "this network"
        }
        if (a0 == 127) {
            return LOOPBACK;
        }
        if (a0 == 169 && a1 == 254) {
            return LINK_LOCAL;
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168) || (a0 == 100 && (a1 & 0xc0) == 64)) {
            return PRIVATE;
        }
        if ((a0 & 0xf0) == 224) {
            return MULTICAST;
        }
        if ((a0 & 0xf0) == 240 // class E and 255.255.255.255
                || (a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2)) // protocol assignments, TEST-NET-1
                || (a0 == 198 && a1 == 51 && a2 == 100) || (a0 == 203 && a1 == 0 && a2 == 113) // TEST-NET-2, -3
                || (a0 == 198 && (a1 & 0xfe) == 18)) { // benchmarking 198.18.0.0/15
            return RESERVED;
        }
        return PUBLIC;
    }

    private static AddressClass ofIpv6(byte[] b) {
        boolean zero96 = true;
        for (int i = 0; i < 12; i++) {
            zero96 &= b[i] == 0;
        }
        if (zero96) {
            if ((b[12] | b[13] | b[14]) == 0 && (b[15] == 0 || b[15] == 1)) {
                return b[15] == 0 ? UNSPECIFIED : LOOPBACK;
            }
            return RESERVED; // IPv4-compatible addresses, deprecated by RFC 4291
        }
        int w0 = Endian.be16(b, 0);
        int w1 = Endian.be16(b, 2);
        int w2 = Endian.be16(b, 4);
        if (w0 == 0x64 && w1 == 0xff9b) {
            if (w2 == 1) {
                return PRIVATE; // 64:ff9b:1::/48, local-use NAT64 (RFC 8215)
            }
            boolean wellKnown = w2 == 0;
            for (int i = 6; i < 12; i++) {
                wellKnown &= b[i] == 0;
            }
            return wellKnown ? embedded(b, 12) : RESERVED;
        }
        if (w0 == 0x2002) {
            return embedded(b, 2);
        }
        if ((w0 & 0xffc0) == 0xfe80) {
            return LINK_LOCAL;
        }
        if ((w0 & 0xfe00) == 0xfc00 || (w0 & 0xffc0) == 0xfec0) {
            return PRIVATE;
        }
        if ((w0 & 0xff00) == 0xff00) {
            return MULTICAST;
        }
        if ((w0 & 0xe000) != 0x2000 || (w0 == 0x2001 && w1 == 0x0db8)) {
            return RESERVED; // outside global unicast 2000::/3, or documentation 2001:db8::/32
        }
        return PUBLIC;
    }

    /** The class of the IPv4 address at {@code b[off..off+4)} inside an IPv6 address. */
    private static AddressClass embedded(byte[] b, int off) {
        AddressClass inner = ofIpv4(new byte[] {b[off], b[off + 1], b[off + 2], b[off + 3]});
        return inner == UNSPECIFIED ? RESERVED : inner;
    }

    private static InetAddress ipv4(byte[] b, int off) {
        try {
            return InetAddress.getByAddress(new byte[] {b[off], b[off + 1], b[off + 2], b[off + 3]});
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are always an IPv4 address", e);
        }
    }
}
