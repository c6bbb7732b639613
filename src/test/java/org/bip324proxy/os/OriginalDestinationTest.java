package org.bip324proxy.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Decoding and call selection, plus what can be checked without root in the test's own namespace. */
@Tag("fast")
class OriginalDestinationTest {

    private static byte[] sockaddrIn(int family, int port, byte[] address) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        b.putShort(0, (short) family);
        b.put(2, (byte) (port >> 8)).put(3, (byte) port);
        b.put(4, address);
        return b.array();
    }

    private static byte[] sockaddrIn6(int port, byte[] address, int scopeId) {
        ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder());
        b.putShort(0, (short) OriginalDestination.AF_INET6);
        b.put(2, (byte) (port >> 8)).put(3, (byte) port);
        b.putInt(4, 0x12345); // flowinfo, ignored
        b.put(8, address);
        b.putInt(24, scopeId);
        return b.array();
    }

    @Test
    void decodesSockaddrInWithBigEndianPort() throws Exception {
        byte[] raw = sockaddrIn(OriginalDestination.AF_INET, 8333, new byte[] {(byte) 203, 0, 113, 7});
        assertEquals(0x20, raw[2]);
        assertEquals((byte) 0x8d, raw[3]);
        InetSocketAddress a = OriginalDestination.parseSockaddr(raw, 16);
        assertEquals(new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 8333), a);
        assertEquals(65535, OriginalDestination.parseSockaddr(
                sockaddrIn(OriginalDestination.AF_INET, 65535, new byte[4]), 16).getPort());
    }

    @Test
    void decodesSockaddrIn6WithScope() throws Exception {
        byte[] addr = InetAddress.getByName("2001:db8::1").getAddress();
        InetSocketAddress a = OriginalDestination.parseSockaddr(sockaddrIn6(18333, addr, 0), 28);
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 18333), a);
        assertEquals(0, ((Inet6Address) a.getAddress()).getScopeId());

        byte[] linkLocal = InetAddress.getByName("fe80::2").getAddress();
        InetSocketAddress scoped = OriginalDestination.parseSockaddr(sockaddrIn6(8333, linkLocal, 7), 28);
        assertEquals(7, ((Inet6Address) scoped.getAddress()).getScopeId());
    }

    @Test
    void rejectsShortOrForeignSockaddrs() {
        assertThrows(IOException.class, () -> OriginalDestination.parseSockaddr(
                sockaddrIn(OriginalDestination.AF_INET, 1, new byte[4]), 8));
        assertThrows(IOException.class, () -> OriginalDestination.parseSockaddr(
                sockaddrIn6(1, new byte[16], 0), 16));
        assertThrows(IOException.class, () -> OriginalDestination.parseSockaddr(
                sockaddrIn(1 /* AF_UNIX */, 1, new byte[4]), 16));
        assertThrows(IOException.class, () -> OriginalDestination.parseSockaddr(new byte[1], 1));
    }

    @Test
    void choosesTheCallByLocalAddressFamily() throws Exception {
        assertSame(OriginalDestination.Query.IPV4, OriginalDestination.queryFor(InetAddress.getByName("127.0.0.1")));
        assertSame(OriginalDestination.Query.IPV6, OriginalDestination.queryFor(InetAddress.getByName("::1")));
        // The JDK turns an IPv4-mapped address (what a dual-stack socket has for an IPv4
        // connection) into an Inet4Address, so it takes the IPv4 call.
        InetAddress mapped = InetAddress.getByName("::ffff:127.0.0.1");
        assertTrue(mapped instanceof Inet4Address);
        assertSame(OriginalDestination.Query.IPV4, OriginalDestination.queryFor(mapped));
        assertEquals(0, OriginalDestination.Query.IPV4.level);
        assertEquals(16, OriginalDestination.Query.IPV4.size);
        assertEquals(41, OriginalDestination.Query.IPV6.level);
        assertEquals(28, OriginalDestination.Query.IPV6.size);
        assertEquals(80, OriginalDestination.Query.IPV4.optname);
        assertEquals(80, OriginalDestination.Query.IPV6.optname);
    }

    @Test
    void loopGuardComparesAddressAndPort() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1);
        assertTrue(OriginalDestination.isSelf(a, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1)));
        assertFalse(OriginalDestination.isSelf(a, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 2)));
        assertFalse(OriginalDestination.isSelf(a, new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 1)));
    }

    @Test
    void otherErrorsCarryStrerror() {
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> OriginalDestination.query(-1, OriginalDestination.Query.IPV4));
        assertEquals(9, e.errno()); // EBADF
        assertTrue(e.getMessage().contains("Bad file descriptor"), e.getMessage());
    }

    @Test
    void directLoopbackConnectionHasNoOriginalDestination() throws Exception {
        // In whatever namespace the tests run: either conntrack has no entry (ENOENT) or it reports
        // the listener itself; both must come out empty.
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                 SocketChannel accepted = server.accept()) {
                assertEquals(client.getLocalAddress(), accepted.getRemoteAddress());
                assertEquals(Optional.empty(), OriginalDestination.lookup(accepted));
            }
        }
    }

    @Test
    void closedSocketIsAnError() throws Exception {
        SocketChannel channel = SocketChannel.open();
        channel.close();
        assertThrows(IOException.class, () -> OriginalDestination.lookup(channel));
    }
}
