package org.bip324proxy.relay;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import org.bip324proxy.bytes.Endian;

/** Formatting of socket addresses for logs: {@code 1.2.3.4:8333}, {@code [2001:db8::1]:8333}. */
public final class Endpoints {
    private Endpoints() {}

    public static String format(InetSocketAddress a) {
        if (a == null) {
            return "-";
        }
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        if (a.getAddress() instanceof Inet6Address v6) {
            return "[" + compress(v6.getAddress()) + "]:" + a.getPort();
        }
        return host + ":" + a.getPort();
    }

    /** RFC 5952 text form of an IPv6 address: lower-case hex, the longest zero run as "::". */
    static String compress(byte[] ip) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = Endian.be16(ip, 2 * i);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
