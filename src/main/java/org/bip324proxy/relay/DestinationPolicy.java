package org.bip324proxy.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bip324proxy.v1.Network;

/**
 * Where the proxy may connect: every rule in one place, checked before every connection attempt.
 * Sans-I/O: a verdict depends only on the destination, how it was found, the kind of listener the
 * client came in on and this policy's configuration.
 *
 * <p>A destination the kernel reported (SO_ORIGINAL_DST, TPROXY) is where the client itself was
 * connecting: allowed, except the proxy's own endpoints (a connection that was not redirected
 * reports the listener itself). A destination the client names inside its stream (VERSION
 * addr_recv; likewise a SOCKS5 CONNECT target) is a request to connect somewhere on its behalf: by
 * default only a public unicast address on the P2P port of the network; addr_recv only from a
 * loopback listener, since any host that reaches a non-loopback listener (router mode) could
 * otherwise use the proxy to reach the router's own or LAN services. The operator widens this with
 * {@link AllowedDestination} entries ({@code --allow-destination}). Rules, in order:
 *
 * <pre>
 * unusable           refused  port 0 or the unspecified address
 * own-endpoint       refused  one of the proxy's listeners or its metrics endpoint (never overridable)
 * redirected         allowed  found by the kernel (SO_ORIGINAL_DST, TPROXY)
 * allow-destination  allowed  client-named, inside an --allow-destination entry
 * router-listener    refused  addr_recv, client came in on a non-loopback listener (not SOCKS5:
 *                             a SOCKS5 listener exists to take client-named destinations)
 * loopback, link-local, private, multicast, reserved
 *                    refused  client-named, not a public unicast address ({@link AddressClass})
 * not-p2p-port       refused  client-named, port is not the network's P2P port
 * public-p2p-port    allowed  client-named, public address on the network's P2P port
 * unresolved-name    allowed  a host name (SOCKS5): checked once resolved here (an upstream
 *                             SOCKS5 proxy that resolves it applies its own rules)
 * </pre>
 *
 * Plain v1 fallback (unencrypted) is only used towards kernel-reported destinations (rule
 * {@code v1-fallback-redirected-only}): a client-named destination gets no plaintext relay.
 *
 * <p>To check a new kind of destination source, add it to {@link Destination.Source} and say in
 * {@link #namedByClient} whether the client chose it. Thread-safe (immutable apart from the
 * {@link OwnEndpoints} registry).
 */
public final class DestinationPolicy {
    /** The kind of listener a client connected to. */
    public enum Listener {
        /** Bound to a loopback address: only this host's processes reach it. */
        LOOPBACK,
        /** Bound to a wildcard or LAN address (router mode): other hosts reach it. */
        NON_LOOPBACK;

        /** The kind of a listener bound to {@code address}. */
        public static Listener boundTo(InetAddress address) {
            return address.isLoopbackAddress() ? LOOPBACK : NON_LOOPBACK;
        }
    }

    /** The rules, by their stable names in logs ({@code rule=...}). */
    public enum Rule {
        UNUSABLE, OWN_ENDPOINT, REDIRECTED, ALLOW_DESTINATION, ROUTER_LISTENER, UNRESOLVED_NAME,
        LOOPBACK, LINK_LOCAL, PRIVATE, MULTICAST, RESERVED,
        NOT_P2P_PORT, PUBLIC_P2P_PORT, V1_FALLBACK_REDIRECTED_ONLY;

        /** e.g. {@code own-endpoint}. */
        public String logName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** A decision: allowed or not, the rule that decided, and a sentence for the log. */
    public record Verdict(boolean allowed, Rule rule, String reason) {
        static Verdict allow(Rule rule, String reason) {
            return new Verdict(true, rule, reason);
        }

        static Verdict refuse(Rule rule, String reason) {
            return new Verdict(false, rule, reason);
        }
    }

    private static final String ALLOW_HINT = " (allow it with --allow-destination)";

    private final List<Network> networks;
    private final List<AllowedDestination> allowed;
    private final OwnEndpoints own;

    /**
     * @param networks the networks the proxy accepts: their P2P ports are allowed when a check does
     *     not know the network yet
     * @param allowed the operator's exceptions, in order
     * @param own the proxy's own endpoints, filled as it binds
     */
    public DestinationPolicy(List<Network> networks, List<AllowedDestination> allowed, OwnEndpoints own) {
        this.networks = List.copyOf(networks);
        this.allowed = List.copyOf(allowed);
        this.own = own;
    }

    /** The proxy's own endpoints (the engine adds its listeners, the CLI its metrics address). */
    public OwnEndpoints ownEndpoints() {
        return own;
    }

    /** Whether the client chose this destination itself, inside its stream, rather than the kernel reporting it. */
    static boolean namedByClient(Destination.Source source) {
        return switch (source) {
            case SO_ORIGINAL_DST, TPROXY, CONFIGURED -> false; // CONFIGURED: the operator's inbound node
            case ADDR_RECV, SOCKS5 -> true;
        };
    }

    /**
     * May the proxy connect to {@code destination}?
     *
     * @param network the client's network if known (its P2P port applies), else every accepted one's
     * @param listener the kind of listener the client came in on
     */
    public Verdict check(Destination destination, Optional<Network> network, Listener listener) {
        InetSocketAddress a = destination.address();
        if (a.isUnresolved()) {
            // A host name (a SOCKS5 target): the engine checks the address it resolves to, unless
            // an upstream SOCKS5 proxy resolves it and connects (then the upstream's rules apply).
            return a.getPort() == 0 ? Verdict.refuse(Rule.UNUSABLE, "not a usable destination: port 0")
                    : Verdict.allow(Rule.UNRESOLVED_NAME, "a host name, checked once resolved here");
        }
        AddressClass kind = AddressClass.of(a.getAddress());
        if (a.getPort() == 0 || kind == AddressClass.UNSPECIFIED) {
            return Verdict.refuse(Rule.UNUSABLE, "not a usable destination: port 0 or the unspecified address");
        }
        if (own.contains(a)) {
            return Verdict.refuse(Rule.OWN_ENDPOINT, "it is the proxy itself (a listening or"
                    + " metrics address): refusing to connect (would loop); redirect the client with the iptables/nftables rules");
        }
        if (!namedByClient(destination.source())) {
            return Verdict.allow(Rule.REDIRECTED, "the kernel reported it as the client's destination");
        }
        for (AllowedDestination entry : allowed) {
            if (entry.matches(a)) {
                return Verdict.allow(Rule.ALLOW_DESTINATION, "inside --allow-destination " + entry);
            }
        }
        if (listener == Listener.NON_LOOPBACK && destination.source() == Destination.Source.ADDR_RECV) {
            return Verdict.refuse(Rule.ROUTER_LISTENER, "destinations named by the client are not taken on a"
                    + " non-loopback listener, only redirected ones" + ALLOW_HINT);
        }
        Rule byClass = switch (kind) {
            case LOOPBACK -> Rule.LOOPBACK;
            case LINK_LOCAL -> Rule.LINK_LOCAL;
            case PRIVATE -> Rule.PRIVATE;
            case MULTICAST -> Rule.MULTICAST;
            case RESERVED, UNSPECIFIED -> Rule.RESERVED;
            case PUBLIC -> null;
        };
        if (byClass != null) {
            return Verdict.refuse(byClass, "it is a " + kind.logName() + " address" + ALLOW_HINT);
        }
        Optional<Verdict> port = checkPort(a, network);
        return port.orElse(Verdict.allow(Rule.PUBLIC_P2P_PORT, "a public address on the network's P2P port"));
    }

    private Optional<Verdict> checkPort(InetSocketAddress a, Optional<Network> network) {
        List<Network> candidates = network.map(List::of).orElse(networks);
        if (candidates.stream().anyMatch(n -> n.defaultPort() == a.getPort())) {
            return Optional.empty();
        }
        return Optional.of(Verdict.refuse(Rule.NOT_P2P_PORT, "port " + a.getPort() + " is not the P2P port of "
                + candidates.stream().map(n -> n.name() + (n.defaultPort() > 0 ? " (" + n.defaultPort() + ")" : " (none)"))
                        .collect(Collectors.joining(", ")) + ALLOW_HINT));
    }

    /** May a destination whose BIP324 handshake failed be relayed as plain, unencrypted v1? */
    public Verdict checkV1Fallback(Destination destination) {
        if (namedByClient(destination.source())) {
            return Verdict.refuse(Rule.V1_FALLBACK_REDIRECTED_ONLY,
                    "v1 fallback is only used for redirected destinations, not for one named by the client");
        }
        return Verdict.allow(Rule.V1_FALLBACK_REDIRECTED_ONLY, "a redirected destination");
    }
}
