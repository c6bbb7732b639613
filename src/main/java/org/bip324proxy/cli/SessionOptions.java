package org.bip324proxy.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bip324proxy.os.HostAddresses;
import org.bip324proxy.relay.AllowedDestination;
import org.bip324proxy.relay.DestinationPolicy;
import org.bip324proxy.relay.OwnEndpoints;
import org.bip324proxy.relay.SessionSettings;
import org.bip324proxy.relay.V1FallbackPolicy;
import org.bip324proxy.v1.Network;
import picocli.CommandLine.Option;

/** Which clients are accepted, where their connections go, and when plain v1 is allowed. */
final class SessionOptions {
    @Option(names = "--network", paramLabel = "NETWORK", split = ",", defaultValue = "auto",
            description = "Networks whose clients are accepted, detected from the v1 magic: auto (= mainnet, testnet3, "
                    + "testnet4, signet, regtest), or " + Network.VALID_FORMS + "; repeatable. Default: ${DEFAULT-VALUE}.")
    List<String> networks;

    @Option(names = "--destination", paramLabel = "MODE", defaultValue = "auto",
            description = "Where each connection's real destination comes from: auto (SO_ORIGINAL_DST, else "
                    + "the VERSION's addr_recv), original-dst, addr-recv, or tproxy (the accepted socket's local "
                    + "address). Default: ${DEFAULT-VALUE}.")
    String destination;

    @Option(names = "--allow-destination", paramLabel = "CIDR[:PORTS]",
            description = "Also allow destinations named by the client (VERSION addr_recv, SOCKS5 CONNECT) inside this "
                    + "address range, on these ports (e.g. 127.0.0.1:18444 for a local regtest node, 192.168.1.0/24:8333, "
                    + "[fd00::/8]:8333; without PORTS every port); also lifts the non-loopback-listener rule for them. "
                    + "Repeatable. Default: none (only public addresses on the network's P2P port; addr_recv only on a "
                    + "loopback listener). The proxy's own endpoints are always refused.")
    List<String> allowDestinations = new ArrayList<>();

    @Option(names = "--v1-fallback", paramLabel = "WHEN", arity = "0..1", defaultValue = "prefer-v2",
            fallbackValue = "prefer-v2",
            description = "When a peer that does not answer the BIP324 handshake is reconnected and relayed as plain, "
                    + "UNENCRYPTED v1 (logged loudly; only for redirected destinations, never one named by the client): prefer-v2 (Bitcoin Core's rule: nothing at all received and at "
                    + "least 24 bytes sent; never for a destination known to speak v2, which is refused and logged as "
                    + "downgrade_refused), always (whenever the peer closes, resets or stays silent before its key), "
                    + "or never. Default: ${DEFAULT-VALUE}.")
    String v1Fallback;

    @Option(names = "--require-v2", defaultValue = "false",
            description = "No plain v1 fallback at all (the same as --v1-fallback=never). Default: false.")
    boolean requireV2;

    /** The accepted networks, with "auto" expanded to the known ones. */
    List<Network> networks() {
        return parseNetworks(networks);
    }

    /** The destination rules for these networks; the proxy's own endpoints are added as they open. */
    DestinationPolicy policy(List<Network> accepted) {
        return new DestinationPolicy(accepted, allowDestinations.stream().map(AllowedDestination::parse).toList(),
                new OwnEndpoints(HostAddresses::isHostAddress));
    }

    SessionSettings.DestinationMode destinationMode() {
        return parseDestination(destination);
    }

    V1FallbackPolicy.Mode fallbackMode() {
        V1FallbackPolicy.Mode mode = null;
        for (V1FallbackPolicy.Mode m : V1FallbackPolicy.Mode.values()) {
            if (m.cliName().equalsIgnoreCase(v1Fallback.trim())) {
                mode = m;
            }
        }
        if (mode == null) {
            throw new IllegalArgumentException("--v1-fallback must be prefer-v2, always or never, got '" + v1Fallback + "'");
        }
        if (requireV2 && mode == V1FallbackPolicy.Mode.ALWAYS) {
            throw new IllegalArgumentException("--require-v2 cannot be combined with --v1-fallback=always");
        }
        return requireV2 ? V1FallbackPolicy.Mode.REQUIRE_V2 : mode;
    }

    static List<Network> parseNetworks(List<String> specs) {
        Set<Network> out = new LinkedHashSet<>();
        for (String s : specs) {
            if (s.equalsIgnoreCase("auto")) {
                out.addAll(Network.knownNetworks());
            } else {
                out.add(Network.parse(s));
            }
        }
        return List.copyOf(out);
    }

    static SessionSettings.DestinationMode parseDestination(String s) {
        for (SessionSettings.DestinationMode m : SessionSettings.DestinationMode.values()) {
            if (m.cliName().equalsIgnoreCase(s.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("--destination must be auto, original-dst, addr-recv or tproxy, got '" + s + "'");
    }
}
