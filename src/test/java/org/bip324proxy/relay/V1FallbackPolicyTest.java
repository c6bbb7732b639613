package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import org.bip324proxy.relay.V1FallbackPolicy.Mode;
import org.bip324proxy.relay.V1FallbackPolicy.Outcome;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Bitcoin Core's rule (V2Transport::ShouldReconnectV1) and the known-v2 refusal. */
@Tag("fast")
class V1FallbackPolicyTest {
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 18444);

    @Test
    void preferV2FallsBackOnlyWhenNothingWasReceivedAndAHeadersWorthWasSent() {
        V1FallbackPolicy p = new V1FallbackPolicy(Mode.PREFER_V2, new KnownV2Peers(10));
        assertEquals(Outcome.FALLBACK, p.decide(PEER, 0, 24).outcome());
        assertEquals(Outcome.FAIL, p.decide(PEER, 0, 23).outcome());
        assertEquals(Outcome.FAIL, p.decide(PEER, 1, 100).outcome());
        assertEquals(1, p.counts().fallbacks());
    }

    @Test
    void preferV2RefusesDestinationsKnownToSpeakV2ByReason() {
        KnownV2Peers known = new KnownV2Peers(10);
        V1FallbackPolicy p = new V1FallbackPolicy(Mode.PREFER_V2, known);
        known.learn(PEER, KnownV2Peers.Evidence.ADVERTISED);
        assertEquals(new V1FallbackPolicy.Decision(Outcome.REFUSE, V1FallbackPolicy.KNOWN_V2_ADVERTISED), p.decide(PEER, 0, 64));
        known.learn(PEER, KnownV2Peers.Evidence.HANDSHAKE);
        assertEquals(new V1FallbackPolicy.Decision(Outcome.REFUSE, V1FallbackPolicy.KNOWN_V2_HANDSHAKE), p.decide(PEER, 0, 64));
        assertEquals(Map.of(V1FallbackPolicy.KNOWN_V2_ADVERTISED, 1L, V1FallbackPolicy.KNOWN_V2_HANDSHAKE, 1L),
                p.counts().refusals());
    }

    @Test
    void alwaysKeepsTheOldRuleEvenForKnownDestinations() {
        KnownV2Peers known = new KnownV2Peers(10);
        known.learn(PEER, KnownV2Peers.Evidence.HANDSHAKE);
        V1FallbackPolicy p = new V1FallbackPolicy(Mode.ALWAYS, known);
        assertEquals(Outcome.FALLBACK, p.decide(PEER, 63, 64).outcome());
        assertEquals(Outcome.FAIL, p.decide(PEER, 64, 64).outcome());
    }

    @Test
    void requireV2NeverFallsBack() {
        V1FallbackPolicy p = V1FallbackPolicy.requireV2();
        assertEquals(new V1FallbackPolicy.Decision(Outcome.REFUSE, V1FallbackPolicy.REQUIRE_V2), p.decide(PEER, 0, 64));
        assertEquals(Outcome.FAIL, p.decide(PEER, 5, 64).outcome());
    }
}
