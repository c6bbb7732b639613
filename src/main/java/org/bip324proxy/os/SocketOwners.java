package org.bip324proxy.os;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Which user owns the local TCP socket at a given address and port: the uid column of
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6} (this network namespace's sockets; one
 * line per socket, read until the match). For a
 * client on this host, the client's socket is the one whose <em>local</em> address is the
 * client address the proxy sees. SO_PEERCRED only works for Unix sockets, so this is how the
 * kernel tells the uid of a TCP client.
 */
public final class SocketOwners {
    // thread-self: the calling thread's network namespace (/proc/net follows the main thread's)
    private static final Path TCP = Path.of("/proc/thread-self/net/tcp");
    private static final Path TCP6 = Path.of("/proc/thread-self/net/tcp6");

    private SocketOwners() {}

    /** The uid owning the socket bound to {@code local}, if this host has such a TCP socket. */
    public static OptionalLong uidOf(InetSocketAddress local) {
        boolean v4 = local.getAddress() instanceof Inet4Address;
        OptionalLong uid = v4 ? scan(TCP, key(local, false)) : OptionalLong.empty();
        return uid.isPresent() ? uid : scan(TCP6, key(local, true)); // an IPv4 client may use a dual-stack socket
    }

    private static OptionalLong scan(Path table, String key) {
        try (BufferedReader r = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
            for (String line; (line = r.readLine()) != null; ) {
                OptionalLong uid = uidIfLocal(line, key);
                if (uid.isPresent()) {
                    return uid;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc (not Linux, or hidden): the caller counts by address instead
        }
        return OptionalLong.empty();
    }

    /**
     * The uid of one table line if its local_address column is {@code key}. Columns: sl,
     * local_address, rem_address, st, tx_queue:rx_queue, tr:tm->when, retrnsmt, uid, ...
     */
    static OptionalLong uidIfLocal(String line, String key) {
        if (!line.contains(key)) {
            return OptionalLong.empty(); // most lines: no split needed
        }
        String[] f = line.trim().split("\\s+", 9);
        if (f.length < 8 || !f[1].equals(key)) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(f[7]));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * How the kernel prints an address in these tables: each 32-bit word of the address (in
     * network byte order in memory) as a native-endian hex number, then {@code :PORT} in hex.
     *
     * @param ipv6Table the tcp6 form (an IPv4 address becomes {@code ::ffff:a.b.c.d})
     */
    static String key(InetSocketAddress a, boolean ipv6Table) {
        byte[] ip = a.getAddress().getAddress();
        if (ipv6Table && ip.length == 4) {
            ip = new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, ip[0], ip[1], ip[2], ip[3]};
        }
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        StringBuilder sb = new StringBuilder(ip.length * 2 + 5);
        for (int w = 0; w < ip.length; w += 4) {
            for (int i = 0; i < 4; i++) {
                sb.append(String.format(Locale.ROOT, "%02X", ip[w + (little ? 3 - i : i)] & 0xff));
            }
        }
        return sb.append(String.format(Locale.ROOT, ":%04X", a.getPort())).toString();
    }
}
