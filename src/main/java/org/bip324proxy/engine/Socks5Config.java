package org.bip324proxy.engine;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bip324proxy.socks5.Socks5Users;

/**
 * The SOCKS5 side of the engine: listeners for SOCKS5 clients, and an upstream SOCKS5 proxy for
 * the proxy's own connections to peers.
 *
 * @param listen addresses of SOCKS5 listeners (none: no SOCKS5 clients)
 * @param users who may use them ({@link Socks5Users#ANYONE} without an auth file)
 * @param greetingTimeout time for a client to complete greeting, authentication and CONNECT request
 * @param upstream where the proxy's connections to peers go through, if anywhere
 */
public record Socks5Config(List<InetSocketAddress> listen, Socks5Users users, Duration greetingTimeout,
        Optional<Upstream> upstream) {
    /** Default {@link #greetingTimeout}: a real client sends its request within a round trip or two. */
    public static final Duration DEFAULT_GREETING_TIMEOUT = Duration.ofSeconds(10);

    /** No SOCKS5 at all. */
    public static final Socks5Config NONE = new Socks5Config(List.of(), Socks5Users.ANYONE, DEFAULT_GREETING_TIMEOUT, Optional.empty());

    public Socks5Config {
        listen = List.copyOf(listen);
    }

    /**
     * An upstream SOCKS5 proxy (e.g. Tor) and which destinations go through it.
     *
     * @param address the upstream proxy
     * @param scope which peer connections use it
     */
    public record Upstream(InetSocketAddress address, Scope scope) {
        /** Which peer connections go through the upstream proxy. */
        public enum Scope {
            /** Only {@code .onion} names (which nothing else can reach). */
            ONION,
            /** Every connection to a peer, names resolved by the upstream proxy. */
            ALL;

            public String cliName() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        /** Whether a connection to {@code destination} goes through this proxy. */
        public boolean carries(InetSocketAddress destination) {
            return scope == Scope.ALL || isOnion(destination);
        }
    }

    /** A Tor onion service name, reachable only through a Tor SOCKS port. */
    public static boolean isOnion(InetSocketAddress destination) {
        return destination.isUnresolved() && destination.getHostString().toLowerCase(Locale.ROOT).endsWith(".onion");
    }
}
