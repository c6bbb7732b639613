package org.bip324proxy.relay;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.bip324proxy.v1.V1Protocol;
import org.bip324proxy.v2.V2Transport;

/**
 * When a peer that did not answer the BIP324 handshake may be retried as plain v1, and the
 * refusals so far (thread-safe; shared by all sessions). A v1 fallback is what an active attacker
 * on the path provokes by dropping the handshake, so it is refused where it is implausible.
 */
public final class V1FallbackPolicy {
    /** How willing the proxy is to fall back. */
    public enum Mode {
        /** Never: a peer that does not complete the handshake is not used. */
        REQUIRE_V2("never"),
        /**
         * Bitcoin Core's rule (net.cpp, V2Transport::ShouldReconnectV1): the proxy initiated,
         * received nothing at all and sent at least a v1 header's worth (24 bytes); and never
         * for a destination known to speak v2.
         */
        PREFER_V2("prefer-v2"),
        /** Whenever the peer closes, resets or stays silent before sending its whole key. */
        ALWAYS("always");

        private final String cliName;

        Mode(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }
    }

    /** What to do with a peer that failed the handshake. */
    public enum Outcome { FALLBACK, FAIL, REFUSE }

    /** The decision, with the refusal reason (a metric label) when refused. */
    public record Decision(Outcome outcome, String reason) {
        static final Decision FALLBACK = new Decision(Outcome.FALLBACK, null);
        static final Decision FAIL = new Decision(Outcome.FAIL, null);
    }

    /** Refusal reasons. */
    public static final String REQUIRE_V2 = "require_v2";
    public static final String KNOWN_V2_HANDSHAKE = "known_v2_handshake";
    public static final String KNOWN_V2_ADVERTISED = "known_v2_advertised";

    /**
     * Totals since start, for status and metrics.
     *
     * @param mode the mode's command-line name
     * @param fallbacks sessions that fell back to plain v1
     * @param refusals fallbacks refused, by reason
     * @param knownV2 destinations in the known-v2 store
     */
    public record Counts(String mode, long fallbacks, Map<String, Long> refusals, int knownV2) {
        public static final Counts NONE = new Counts("", 0, Map.of(), 0);

        public Counts {
            refusals = Map.copyOf(refusals);
        }
    }

    private final Mode mode;
    private final KnownV2Peers known;
    private final LongAdder fallbacks = new LongAdder();
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();

    public V1FallbackPolicy(Mode mode, KnownV2Peers known) {
        this.mode = mode;
        this.known = known;
    }

    /** No fallback, and nothing remembered beyond one destination (tests, tools). */
    public static V1FallbackPolicy requireV2() {
        return new V1FallbackPolicy(Mode.REQUIRE_V2, new KnownV2Peers(1));
    }

    public Mode mode() {
        return mode;
    }

    public KnownV2Peers known() {
        return known;
    }

    /**
     * @param received bytes received from the peer on this connection
     * @param sent bytes sent to the peer on this connection
     */
    public Decision decide(InetSocketAddress destination, long received, long sent) {
        if (mode == Mode.ALWAYS) {
            return received < V2Transport.KEY_LEN ? fallback() : Decision.FAIL;
        }
        if (received > 0 || sent < V1Protocol.HEADER_SIZE) {
            return Decision.FAIL;
        }
        if (mode == Mode.REQUIRE_V2) {
            return refuse(REQUIRE_V2);
        }
        return known.evidence(destination)
                .map(e -> refuse(e == KnownV2Peers.Evidence.HANDSHAKE ? KNOWN_V2_HANDSHAKE : KNOWN_V2_ADVERTISED))
                .orElseGet(this::fallback);
    }

    private Decision fallback() {
        fallbacks.increment();
        return Decision.FALLBACK;
    }

    private Decision refuse(String reason) {
        refusals.computeIfAbsent(reason, r -> new LongAdder()).increment();
        return new Decision(Outcome.REFUSE, reason);
    }

    public Counts counts() {
        Map<String, Long> byReason = new TreeMap<>();
        refusals.forEach((k, v) -> byReason.put(k, v.sum()));
        return new Counts(mode.cliName(), fallbacks.sum(), byReason, known.size());
    }
}
