package org.bip324proxy.os;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Optional;

import jnr.ffi.byref.IntByReference;
import org.bip324proxy.bytes.Endian;

/**
 * Recovers where a connection was going before the kernel's nat table (iptables/nftables
 * {@code DNAT}/{@code REDIRECT} in OUTPUT or PREROUTING) sent it to the proxy, by asking
 * conntrack through {@code getsockopt(SO_ORIGINAL_DST)}.
 *
 * <h2>Which call</h2>
 * Linux has two calls, each answering only for one IP version of the <em>connection</em>:
 * <ul>
 *   <li>IPv4: level {@code SOL_IP} (0), {@code SO_ORIGINAL_DST} (80), a 16-byte
 *       {@code sockaddr_in};</li>
 *   <li>IPv6: level {@code SOL_IPV6} (41), {@code IP6T_SO_ORIGINAL_DST} (80), a 28-byte
 *       {@code sockaddr_in6}.</li>
 * </ul>
 * The choice follows the accepted socket's local address. On a dual-stack (AF_INET6, not
 * {@code IPV6_V6ONLY}) listener an IPv4 connection has an IPv4-mapped local address
 * ({@code ::ffff:a.b.c.d}); the JDK reports that as an {@link Inet4Address}, and the kernel serves
 * {@code SOL_IP} on such an AF_INET6 socket from the IPv4 connection state, so the IPv4 call is the
 * right one there too (the IPv6 call answers ENOENT for it). This is what the JDK's plain
 * {@code ServerSocketChannel.open()} gives, and it is covered by the system tests.
 *
 * <p>Errors seen on Linux 6.x: the IPv6 call on an IPv4 socket gives EOPNOTSUPP, the IPv4 call on an
 * IPv6 connection gives ENOENT, a short buffer gives EINVAL.
 *
 * <h2>Empty results</h2>
 * {@link #lookup} answers empty when
 * <ul>
 *   <li>conntrack has no entry for the connection (ENOENT): conntrack is not active in this network
 *       namespace, or the connection is untracked;</li>
 *   <li>the "original destination" is the accepted socket's own local address. Once conntrack
 *       is active, every connection has an entry, and one that was <em>not</em> redirected (a
 *       client connecting to the proxy's port directly) reports exactly the address it connected
 *       to, which is the proxy itself. Forwarding there would make the proxy connect to itself,
 *       again and again. So such a connection has no original destination, and the caller decides
 *       what to do (for example, close it, or fall back to another source).</li>
 * </ul>
 * With TPROXY instead of NAT the original destination is simply the local address, and this
 * class answers empty: TPROXY is not handled here.
 */
public final class OriginalDestination {

    static final int SOL_IP = 0;
    static final int SOL_IPV6 = 41;
    static final int SO_ORIGINAL_DST = 80;
    static final int IP6T_SO_ORIGINAL_DST = 80;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    static final int SOCKADDR_IN_SIZE = 16;
    static final int SOCKADDR_IN6_SIZE = 28;

    /** Linux errno values used here. */
    static final int ENOENT = 2;

    /** The two getsockopt calls. */
    enum Query {
        IPV4(SOL_IP, SO_ORIGINAL_DST, SOCKADDR_IN_SIZE),
        IPV6(SOL_IPV6, IP6T_SO_ORIGINAL_DST, SOCKADDR_IN6_SIZE);

        final int level;
        final int optname;
        final int size;

        Query(int level, int optname, int size) {
            this.level = level;
            this.optname = optname;
            this.size = size;
        }
    }

    private OriginalDestination() {
    }

    /**
     * The destination the client originally connected to, before NAT sent it to us.
     *
     * @param accepted a connected socket returned by {@code ServerSocketChannel.accept()}; it must
     *     not be closed concurrently
     * @return empty if the connection was not redirected (see the class comment)
     * @throws ErrnoException if getsockopt fails with an error other than ENOENT
     * @throws IOException if the socket has no local address (closed) or the kernel answer is
     *     malformed
     * @throws NativeUnavailableException if native access or the socket's fd is unavailable
     */
    public static Optional<InetSocketAddress> lookup(SocketChannel accepted) throws IOException {
        SocketAddress localAddress = accepted.getLocalAddress();
        if (!(localAddress instanceof InetSocketAddress)) {
            throw new IOException("socket has no IP local address (closed?): " + localAddress);
        }
        InetSocketAddress local = (InetSocketAddress) localAddress;
        Optional<InetSocketAddress> original = query(SocketFds.fd(accepted), queryFor(local.getAddress()));
        return original.filter(o -> !isSelf(o, local));
    }

    /**
     * Throws now, with the reason and the fix, if {@link #lookup} can never work in this JVM
     * (missing {@code --add-exports}, or native loading failed). Meant for startup.
     *
     * @throws NativeUnavailableException if not available
     */
    public static void checkAvailable() {
        SocketFds.checkAccessible();
        NativeLibC.get();
    }

    /** The call that answers for a connection with this local address. */
    static Query queryFor(InetAddress localAddress) {
        // IPv4-mapped local addresses of dual-stack sockets arrive here as Inet4Address (the JDK
        // converts them), which is what we want: see the class comment.
        return localAddress instanceof Inet4Address ? Query.IPV4 : Query.IPV6;
    }

    /** One raw getsockopt with the query's own buffer size; ENOENT gives empty; no loop guard. */
    static Optional<InetSocketAddress> query(int fd, Query query) throws IOException {
        return query(fd, query, query.size);
    }

    /** As {@link #query(int, Query)} but with a chosen buffer size (tests use it). */
    static Optional<InetSocketAddress> query(int fd, Query query, int bufferSize) throws IOException {
        LibC libc = NativeLibC.get();
        byte[] buffer = new byte[bufferSize];
        IntByReference length = new IntByReference(bufferSize);
        int rc = libc.getsockopt(fd, query.level, query.optname, buffer, length);
        if (rc != 0) {
            int errno = NativeLibC.lastErrno();
            if (errno == ENOENT) {
                return Optional.empty();
            }
            throw new ErrnoException("getsockopt(fd " + fd + ", " + query + " original destination)", errno);
        }
        // The kernel writes a whole sockaddr but leaves optlen untouched, so trust the buffer size.
        return Optional.of(parseSockaddr(buffer, bufferSize));
    }

    /**
     * Decodes a {@code sockaddr_in} or {@code sockaddr_in6}: family in host byte order, port and
     * address in network byte order, IPv6 scope id in host byte order.
     */
    static InetSocketAddress parseSockaddr(byte[] buffer, int length) throws IOException {
        if (length < 2 || length > buffer.length) {
            throw new IOException("sockaddr too short: " + length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, length).order(ByteOrder.nativeOrder());
        int family = Short.toUnsignedInt(b.getShort(0));
        int port;
        InetAddress address;
        if (family == AF_INET) {
            requireLength(length, SOCKADDR_IN_SIZE, "sockaddr_in");
            port = bigEndianPort(buffer);
            address = InetAddress.getByAddress(Arrays.copyOfRange(buffer, 4, 8));
        } else if (family == AF_INET6) {
            requireLength(length, SOCKADDR_IN6_SIZE, "sockaddr_in6");
            port = bigEndianPort(buffer);
            byte[] raw = Arrays.copyOfRange(buffer, 8, 24);
            int scopeId = b.getInt(24);
            InetAddress a = InetAddress.getByAddress(raw);
            // A v4-mapped address comes back as Inet4Address; a scope id only matters for IPv6.
            address = (scopeId != 0 && a instanceof Inet6Address)
                    ? Inet6Address.getByAddress(null, raw, scopeId)
                    : a;
        } else {
            throw new IOException("unexpected address family " + family + " in original destination");
        }
        return new InetSocketAddress(address, port);
    }

    private static void requireLength(int length, int needed, String what) throws IOException {
        if (length < needed) {
            throw new IOException(what + " needs " + needed + " bytes, got " + length);
        }
    }

    private static int bigEndianPort(byte[] buffer) {
        return Endian.be16(buffer, 2);
    }

    /**
     * The loop guard: true when a supposed original destination is the accepted socket's own local
     * address, i.e. the connection came to the proxy directly and was not redirected. Connecting
     * there would connect the proxy to itself. Compares the port and the address bytes (IPv6 scope
     * ids are ignored, as {@code InetAddress.equals} does); both must be resolved addresses.
     */
    public static boolean isSelf(InetSocketAddress destination, InetSocketAddress local) {
        return destination.getPort() == local.getPort()
                && destination.getAddress() != null
                && destination.getAddress().equals(local.getAddress());
    }
}
