package org.bip324proxy.relay;

import java.net.InetSocketAddress;

/** Where a client's connection really goes, and how the proxy found out. */
public record Destination(InetSocketAddress address, Source source) {
    /** How the destination was learned; logged with every connection. */
    public enum Source {
        /** getsockopt(SO_ORIGINAL_DST / IP6T_SO_ORIGINAL_DST) after a NAT redirect. */
        SO_ORIGINAL_DST,
        /** The accepted socket's local address under TPROXY. */
        TPROXY,
        /** The addr_recv field of the client's VERSION message (direct connections). */
        ADDR_RECV,
        /** The CONNECT request of a client of the SOCKS5 listener (may be a domain name). */
        SOCKS5,
        /** The operator's node behind an inbound listener (--inbound LISTEN=NODE). */
        CONFIGURED;

        public String logName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Override
    public String toString() {
        return Endpoints.format(address) + " via " + source.logName();
    }
}
