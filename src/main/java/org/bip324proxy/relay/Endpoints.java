package org.bip324proxy.relay;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Formatting of socket addresses for logs: {@code 1.2.3.4:8333}, {@code [2001:db8::1]:8333}. */
public final class Endpoints {
    private Endpoints() {}

    public static String format(InetSocketAddress a) {
        if (a == null) {
            return "-";
        }
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        if (a.getAddress() instanceof Inet6Address) {
            int zone = host.indexOf('%');
            return "[" + (zone >= 0 ? host.substring(0, zone) : host) + "]:" + a.getPort();
        }
        return host + ":" + a.getPort();
    }
}
