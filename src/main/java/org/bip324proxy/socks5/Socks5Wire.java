package org.bip324proxy.socks5;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Field values and the address format shared by requests and replies (RFC 1928 §4–§6), and the
 * bounded buffer in which each handshake collects one message at a time.
 */
final class Socks5Wire {
    static final int VERSION = 0x05;
    static final int METHOD_NO_AUTH = 0x00;
    static final int METHOD_USERNAME_PASSWORD = 0x02;
    static final int NO_ACCEPTABLE_METHODS = 0xFF;
    /** RFC 1929 §2: the version of the username/password sub-negotiation. */
    static final int AUTH_VERSION = 0x01;
    static final int AUTH_SUCCESS = 0x00;
    static final int AUTH_FAILURE = 0x01;
    static final int CMD_CONNECT = 0x01;
    static final int CMD_BIND = 0x02;
    static final int CMD_UDP_ASSOCIATE = 0x03;
    static final int ATYP_IPV4 = 0x01;
    static final int ATYP_DOMAIN = 0x03;
    static final int ATYP_IPV6 = 0x04;
    /** A domain name's length is one byte. */
    static final int MAX_DOMAIN = 255;
    /** The largest message: RFC 1929's request, 1 + 1 + 255 + 1 + 255 bytes. */
    static final int MAX_MESSAGE = 513;
    /** VER, CMD/REP, RSV, ATYP and the first address byte (a domain name's length). */
    private static final int ADDRESS_HEADER = 5;

    static final InetSocketAddress UNSPECIFIED = new InetSocketAddress(ipv4Any(), 0);

    private Socks5Wire() {}

    private static InetAddress ipv4Any() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A request or reply: VER, {@code second} (CMD or REP), RSV, ATYP, address, port. */
    static byte[] encode(int second, InetSocketAddress address) {
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + MAX_DOMAIN + 2);
        b.put((byte) VERSION).put((byte) second).put((byte) 0);
        if (address.isUnresolved()) {
            byte[] name = address.getHostString().getBytes(StandardCharsets.US_ASCII);
            if (name.length == 0 || name.length > MAX_DOMAIN) {
                throw new IllegalArgumentException("a SOCKS5 domain name has 1.." + MAX_DOMAIN + " bytes: " + address.getHostString());
            }
            b.put((byte) ATYP_DOMAIN).put((byte) name.length).put(name);
        } else {
            InetAddress ip = address.getAddress();
            b.put((byte) (ip instanceof Inet6Address ? ATYP_IPV6 : ATYP_IPV4)).put(ip.getAddress());
        }
        b.putShort((short) address.getPort());
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /**
     * The length of the request or reply collected so far, once its header shows it; 0 while
     * fewer than {@value #ADDRESS_HEADER} bytes are known.
     *
     * @throws Socks5Exception for an address type that is not IPv4, domain name or IPv6
     */
    static int addressMessageLength(Message m) throws Socks5Exception {
        if (m.length() < ADDRESS_HEADER) {
            return ADDRESS_HEADER;
        }
        return switch (m.u8(3)) {
            case ATYP_IPV4 -> 4 + 4 + 2;
            case ATYP_IPV6 -> 4 + 16 + 2;
            case ATYP_DOMAIN -> 4 + 1 + m.u8(4) + 2;
            default -> throw new Socks5Exception(Socks5Exception.Reason.ADDRESS_TYPE_NOT_SUPPORTED,
                    Socks5Reply.ADDRESS_TYPE_NOT_SUPPORTED, String.format("address type 0x%02x is not IPv4 (1), a domain name (3) or IPv6 (4)", m.u8(3)));
        };
    }

    /**
     * The address of a complete request or reply: resolved for IPv4/IPv6, unresolved for a domain
     * name (printable ASCII, 1..255 bytes).
     */
    static InetSocketAddress decodeAddress(Message m) throws Socks5Exception {
        int atyp = m.u8(3);
        int end = m.length() - 2;
        int port = m.u8(end) << 8 | m.u8(end + 1);
        if (atyp == ATYP_DOMAIN) {
            int n = m.u8(4);
            if (n == 0) {
                throw new Socks5Exception(Socks5Exception.Reason.MALFORMED, Socks5Reply.GENERAL_FAILURE, "empty domain name");
            }
            for (int i = 5; i < 5 + n; i++) {
                int c = m.u8(i);
                if (c <= 0x20 || c >= 0x7f) {
                    throw new Socks5Exception(Socks5Exception.Reason.MALFORMED, Socks5Reply.GENERAL_FAILURE,
                            String.format("domain name contains byte 0x%02x (only printable ASCII is allowed)", c));
                }
            }
            return InetSocketAddress.createUnresolved(new String(m.bytes(), 5, n, StandardCharsets.US_ASCII), port);
        }
        byte[] ip = new byte[atyp == ATYP_IPV4 ? 4 : 16];
        System.arraycopy(m.bytes(), 4, ip, 0, ip.length);
        try {
            // An IPv4-mapped IPv6 address becomes the IPv4 address, so checks see what is dialled.
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }

    /**
     * One message being collected: bytes are taken from the stream only up to the length the
     * message needs, so whatever follows it stays in the caller's buffer.
     */
    static final class Message {
        private final byte[] bytes = new byte[MAX_MESSAGE];
        private int length;

        /** Takes bytes until the message has {@code needed} bytes; true when it has. */
        boolean fill(ByteBuffer in, int needed) {
            int n = Math.min(needed - length, in.remaining());
            if (n > 0) {
                in.get(bytes, length, n);
                length += n;
            }
            return length >= needed;
        }

        int u8(int i) {
            return bytes[i] & 0xff;
        }

        int length() {
            return length;
        }

        byte[] bytes() {
            return bytes;
        }

        void reset() {
            length = 0;
        }
    }
}
