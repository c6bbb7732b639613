package org.bip324proxy.engine;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import org.bip324proxy.socks5.Socks5Reply;

/** The SOCKS5 reply (RFC 1928 §6) that tells a client why its destination could not be reached. */
final class Socks5Failures {
    private Socks5Failures() {}

    static Socks5Reply forConnectError(Exception e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("network is unreachable") || m.contains("network unreachable")) {
            return Socks5Reply.NETWORK_UNREACHABLE;
        }
        if (e instanceof NoRouteToHostException || e instanceof UnresolvedAddressException || m.contains("no route to host")) {
            return Socks5Reply.HOST_UNREACHABLE;
        }
        if (e instanceof ConnectException || m.contains("connection refused")) {
            return Socks5Reply.CONNECTION_REFUSED;
        }
        return Socks5Reply.GENERAL_FAILURE;
    }
}
