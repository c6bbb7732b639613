package org.bip324proxy.cli;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.bip324proxy.engine.ProxyServer;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.relay.InboundSession;
import org.bip324proxy.relay.InboundSettings;
import org.bip324proxy.relay.SessionSettings;
import org.bip324proxy.v1.Network;
import picocli.CommandLine.Option;

/** Inbound mode: listeners that answer BIP324 for the operator's v1-only node. */
final class InboundOptions {
    @Option(names = "--inbound", paramLabel = "LISTEN=NODE",
            description = "Answer BIP324 for a node that only speaks v1: accept peers on LISTEN and relay them to the "
                    + "node at NODE (v2 peers translated, v1 peers untouched), e.g. 0.0.0.0:8333=127.0.0.1:8334 with "
                    + "the node run with -bind=127.0.0.1:8334. IPv6 as [ADDR]:PORT; repeatable. Default: none.")
    List<String> inbound = new ArrayList<>();

    @Option(names = "--inbound-network", paramLabel = "NETWORK", defaultValue = "mainnet",
            description = "The protected node's network (its magic tells v1 peers from BIP324 keys and salts the "
                    + "keys): mainnet, testnet3, testnet4, signet, regtest or NAME:MAGICHEX. Never guessed from "
                    + "peers. Default: ${DEFAULT-VALUE}.")
    String network;

    @Option(names = "--inbound-transparent", defaultValue = "false",
            description = "Connect to the node from each peer's own address (IP_TRANSPARENT; needs CAP_NET_ADMIN and "
                    + "a policy route that brings the node's replies to peers back to this host: see the README), "
                    + "so the node sees its peers' real addresses. LISTEN and NODE must then be of the same IP family. "
                    + "Default: ${DEFAULT-VALUE} (the node sees every peer at the proxy's address; a warning says "
                    + "what that costs).")
    boolean transparent;

    @Option(names = "--advertise-v2", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "On v2 sessions, set NODE_P2P_V2 (service bit 11) in the services of the node's VERSION and "
                    + "of its own address in its addr/addrv2 announcements, so that peers learn to dial it with BIP324 "
                    + "(Bitcoin Core only dials v2 to nodes that advertise it); all else stays byte-exact. "
                    + "--no-advertise-v2 turns it off. Default: ${DEFAULT-VALUE}.")
    boolean advertiseV2;

    /** One --inbound listener. */
    record Listener(InetSocketAddress listen, InetSocketAddress node) {}

    /** Checks both options; throws IllegalArgumentException with a one-line message. */
    void check() {
        listeners();
        network();
    }

    /** The node's network. */
    Network network() {
        try {
            return Network.parse(network);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--inbound-network: " + e.getMessage());
        }
    }

    /** The --inbound listeners, checked; empty without the option. */
    List<Listener> listeners() {
        List<Listener> out = new ArrayList<>();
        for (String spec : inbound) {
            int eq = spec.indexOf('=');
            if (eq < 0 || spec.indexOf('=', eq + 1) >= 0) {
                throw new IllegalArgumentException("--inbound '" + spec + "': expected LISTEN=NODE, e.g. "
                        + "0.0.0.0:8333=127.0.0.1:8334");
            }
            InetSocketAddress listen;
            InetSocketAddress node;
            try {
                listen = HostPort.parse(spec.substring(0, eq));
                node = HostPort.parse(spec.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--inbound '" + spec + "': " + e.getMessage());
            }
            if (node.getPort() == 0 || node.getAddress().isAnyLocalAddress()) {
                throw new IllegalArgumentException("--inbound '" + spec + "': the node needs a real address and port");
            }
            if (node.equals(listen)) {
                throw new IllegalArgumentException("--inbound '" + spec + "': the node cannot be the listener itself");
            }
            if (transparent && (listen.getAddress() instanceof Inet6Address) != (node.getAddress() instanceof Inet6Address)) {
                throw new IllegalArgumentException("--inbound '" + spec + "': with --inbound-transparent the node must be "
                        + "reachable in the listener's IP family (IPv6 peers can only connect from IPv6 addresses)");
            }
            out.add(new Listener(listen, node));
        }
        return out;
    }

    /** Adds the inbound listeners to {@code server} (before it starts), with the warning they need. */
    void addTo(ProxyServer server, SessionSettings sessions, EventLog log) {
        List<Listener> listeners = listeners();
        if (listeners.isEmpty()) {
            return;
        }
        InboundSettings settings = new InboundSettings(network(), sessions.aeadBackend(), sessions.rng(), advertiseV2);
        for (Listener l : listeners) {
            server.addInbound(l.listen(), (actions, reached) -> new InboundSession(settings, l.node(), reached, actions),
                    transparent);
            log.info("inbound").with("listen", Endpoints.format(l.listen())).with("node", Endpoints.format(l.node()))
                    .with("network", settings.network().name()).with("transparent", transparent)
                    .with("advertise_v2", advertiseV2).log();
        }
        if (!transparent) {
            warnNotTransparent(log);
        }
    }

    /** Never let strangers inherit the proxy address's standing with the node silently. */
    private static void warnNotTransparent(EventLog log) {
        log.warn("inbound_not_transparent")
                .with("consequence", "the node sees every inbound peer at the proxy's address: all of them fall "
                        + "in one netgroup for eviction (and Bitcoin Core protects localhost peers from eviction), "
                        + "banning or discouraging one peer hits the proxy and so every peer, and permissions the node "
                        + "grants that address (e.g. -whitelist=127.0.0.1, or -whitebind on the node's port) apply to "
                        + "strangers")
                .with("fix", "use --inbound-transparent, or give the proxy's address no permissions on the node")
                .log();
    }
}
