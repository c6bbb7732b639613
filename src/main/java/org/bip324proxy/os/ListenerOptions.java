package org.bip324proxy.os;

import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Socket options the JDK does not expose, set before a socket is bound: on listeners, and on the
 * inbound proxy's transparent connections to the node.
 */
public final class ListenerOptions {
    static final int SOL_IP = 0;
    static final int IP_TRANSPARENT = 19;
    static final int SOL_IPV6 = 41;
    static final int IPV6_V6ONLY = 26;

    private ListenerOptions() {}

    /**
     * Makes an IPv6 listener accept IPv6 only, so {@code [::]:PORT} and {@code 0.0.0.0:PORT} can be
     * separate listeners (the JDK's IPv6 sockets are dual-stack).
     */
    public static void ipv6Only(ServerSocketChannel listener) throws ErrnoException {
        setInt(listener, SOL_IPV6, IPV6_V6ONLY, 1, "setsockopt(IPV6_V6ONLY)");
    }

    /**
     * Sets IP_TRANSPARENT, which a TPROXY listener needs to accept connections addressed to
     * other hosts. Requires CAP_NET_ADMIN; fails with EPERM otherwise.
     */
    public static void transparent(ServerSocketChannel listener) throws ErrnoException {
        setInt(listener, SOL_IP, IP_TRANSPARENT, 1, "setsockopt(IP_TRANSPARENT)");
    }

    /**
     * Sets IP_TRANSPARENT on a socket about to connect, so it can be bound to a non-local address
     * (the inbound peer's) before connecting. Works for IPv4 and IPv6 sockets (the flag is shared).
     * Requires CAP_NET_ADMIN; fails with EPERM otherwise.
     */
    public static void transparent(SocketChannel dialer) throws ErrnoException {
        setInt(dialer, SOL_IP, IP_TRANSPARENT, 1, "setsockopt(IP_TRANSPARENT)");
    }

    private static void setInt(SelectableChannel ch, int level, int option, int value, String call)
            throws ErrnoException {
        byte[] v = {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
        if (NativeLibC.get().setsockopt(SocketFds.fd(ch), level, option, v, v.length) != 0) {
            throw new ErrnoException(call, NativeLibC.lastErrno());
        }
    }
}
