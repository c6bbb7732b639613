package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bip324proxy.testsupport.SessionDriver;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.V1Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * --v1-fallback through {@link ProxySession}: a peer that closes, resets or stays silent instead of
 * answering the BIP324 key is reconnected as plain v1 only when the policy allows it, and never for
 * a destination known to speak v2 (a possible downgrade). The end-to-end version through a real NAT
 * redirect stays in {@code engine.V1FallbackIntegrationTest}.
 */
@Tag("fast")
class SessionV1FallbackTest {
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 18444);
    private static final Network NET = Network.REGTEST;
    private static final SessionDriver.Timeouts LIMITS = new SessionDriver.Timeouts(Duration.ofSeconds(10),
            Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(10));

    private static V1FallbackPolicy policy(V1FallbackPolicy.Mode mode) {
        return new V1FallbackPolicy(mode, new KnownV2Peers(100));
    }

    private static SessionDriver redirected(V1FallbackPolicy policy) {
        return SessionDriver.builder().redirectedTo(PEER).v1Fallback(policy).timeouts(LIMITS).build();
    }

    /** After the fallback: VERSION, then the pipelined ping go out as plain v1 frames, and answers come back. */
    private static void assertRelaysPlainV1(SessionDriver d, byte[] versionPayload) {
        assertEquals(List.of(PEER, PEER), d.connects(), "the BIP324 attempt, then the v1 reconnection");
        d.peerConnected();
        assertEquals(Transport.V1_FALLBACK, d.session().transport().orElseThrow());
        V1FrameEncoder v1 = new V1FrameEncoder(NET);
        byte[] expected = concat(v1.frame("version", versionPayload), v1.frame("ping", new byte[8]));
        assertArrayEquals(expected, d.takeToPeer());
        byte[] pong = v1.frame("pong", new byte[8]);
        d.peerSends(pong);
        assertArrayEquals(pong, d.clientReceived());
    }

    @Test
    void aPeerClosingOnTheKeyIsReconnectedAsPlainV1() {
        SessionDriver d = redirected(policy(V1FallbackPolicy.Mode.PREFER_V2));
        byte[] version = V1TestClient.versionPayload(null, "/v1:1.0/");
        d.clientSends(NET, "version", version).clientSends(NET, "ping", new byte[8]);
        d.peerConnected().peerEof();
        assertEquals("peer closed the connection during the BIP324 handshake", d.session().stats().v1FallbackReason());
        assertRelaysPlainV1(d, version);
    }

    @Test
    void aSilentPeerIsReconnectedAsPlainV1AfterTheHandshakeTimeout() {
        SessionDriver d = redirected(policy(V1FallbackPolicy.Mode.PREFER_V2));
        byte[] version = V1TestClient.versionPayload(null, "/v1:1.0/");
        d.clientSends(NET, "version", version).clientSends(NET, "ping", new byte[8]);
        d.peerConnected().advance(Duration.ofMillis(1001));
        assertEquals("peer did not answer the BIP324 handshake in time", d.session().stats().v1FallbackReason());
        assertRelaysPlainV1(d, version);
    }

    @Test
    void aDestinationNamedByTheClientGetsNoPlaintextFallback() {
        SessionDriver d = SessionDriver.builder().v1Fallback(policy(V1FallbackPolicy.Mode.ALWAYS)).build();
        d.clientSendsVersion(NET, PEER).peerConnected().peerEof();
        FallbackNote note = d.closedWith(CloseCause.ClosedInHandshake.class).note();
        assertEquals(DestinationPolicy.Rule.V1_FALLBACK_REDIRECTED_ONLY,
                assertInstanceOf(FallbackNote.NotAllowed.class, note).verdict().rule());
        assertEquals(DestinationPolicy.Rule.V1_FALLBACK_REDIRECTED_ONLY, d.session().refusal().orElseThrow().rule());
        assertEquals(1, d.connects().size(), "no plaintext reconnection");
    }

    @Test
    void requireV2RefusesTheFallbackWithTheReason() {
        V1FallbackPolicy p = policy(V1FallbackPolicy.Mode.REQUIRE_V2);
        SessionDriver d = redirected(p);
        d.clientSendsVersion(NET, PEER).peerConnected().peerEof();
        assertEquals(new CloseCause.ClosedInHandshake(new FallbackNote.Refused(V1FallbackPolicy.REQUIRE_V2)), d.closeCause());
        assertEquals(V1FallbackPolicy.REQUIRE_V2, d.session().stats().downgradeRefused());
        assertEquals(Map.of(V1FallbackPolicy.REQUIRE_V2, 1L), p.counts().refusals());
        assertEquals(1, d.connects().size());
    }

    @Test
    void aDestinationThatCompletedAHandshakeBeforeIsNotDowngraded() {
        V1FallbackPolicy p = policy(V1FallbackPolicy.Mode.PREFER_V2);
        SessionDriver first = redirected(p);
        first.clientSendsVersion(NET, PEER).peerConnected();
        first.completeV2Handshake(NET, 0, 0);

        SessionDriver second = redirected(p);
        second.clientSendsVersion(NET, PEER).peerConnected().peerEof();
        assertEquals(new CloseCause.ClosedInHandshake(new FallbackNote.Refused(V1FallbackPolicy.KNOWN_V2_HANDSHAKE)),
                second.closeCause());
        assertEquals(V1FallbackPolicy.KNOWN_V2_HANDSHAKE, second.session().stats().downgradeRefused());
        assertEquals(1, second.connects().size());
    }

    @Test
    void aPeerThatSentAnythingIsNotAV1NodeUnderPreferV2() {
        SessionDriver d = redirected(policy(V1FallbackPolicy.Mode.PREFER_V2));
        d.clientSendsVersion(NET, PEER).peerConnected().peerSends(new byte[10]).peerEof();
        assertTrue(d.closed());
        assertNull(d.session().stats().v1FallbackReason());
        assertEquals(1, d.connects().size());
    }

    @Test
    void aPeerResettingOnTheKeyFallsBackUnderAlways() {
        SessionDriver d = redirected(policy(V1FallbackPolicy.Mode.ALWAYS));
        byte[] version = V1TestClient.versionPayload(null, "/v1:1.0/");
        d.clientSends(NET, "version", version).clientSends(NET, "ping", new byte[8]);
        d.peerConnected().error(true, "Connection reset");
        assertEquals("peer failed during the BIP324 handshake: Connection reset", d.session().stats().v1FallbackReason());
        assertRelaysPlainV1(d, version);
        assertEquals(List.of("pong"), d.clientMessages(NET).stream().map(V1Message::command).toList());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
