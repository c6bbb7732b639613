package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.bip324proxy.testsupport.ScriptedBip324Peer;
import org.bip324proxy.testsupport.SessionDriver;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One timeout per phase, on the driver's fake clock (no sleeping): each fires only after its limit,
 * counted from the start of its phase, and the idle timeout from the last byte moved. The engine's
 * tick that turns these limits into events is covered by {@code engine.DestinationAndLimitsIntegrationTest}.
 */
@Tag("fast")
class SessionTimeoutTest {
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8333);
    private static final Network NET = Network.MAINNET;
    private static final SessionDriver.Timeouts LIMITS = new SessionDriver.Timeouts(Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(60));

    private static SessionDriver driver() {
        return SessionDriver.builder().redirectedTo(PEER).timeouts(LIMITS).build();
    }

    private static CloseCause.Timeout assertTimedOut(SessionDriver d, Phase phase) {
        CloseCause.Timeout t = d.closedWith(CloseCause.Timeout.class);
        assertEquals(phase, t.phase());
        assertEquals(RelaySession.Direction.OUTBOUND, t.direction());
        return t;
    }

    @Test
    void aClientThatSendsNoCompleteFirstMessageInTime() {
        SessionDriver d = driver();
        d.clientSends(new byte[] {(byte) 0xf9, (byte) 0xbe}); // the start of a magic, then nothing
        d.advance(Duration.ofMillis(1000));
        assertFalse(d.closed(), "not before the limit");
        d.advance(Duration.ofMillis(1));
        assertTimedOut(d, Phase.FIRST_MESSAGE);
    }

    @Test
    void aConnectThatTakesTooLong() {
        SessionDriver d = driver();
        d.advance(Duration.ofMillis(900));
        d.clientSendsVersion(NET, PEER);
        d.advance(Duration.ofMillis(1900));
        assertFalse(d.closed(), "the connect limit counts from the start of CONNECTING");
        d.advance(Duration.ofMillis(101));
        assertEquals("127.0.0.1:8333 via so_original_dst", assertTimedOut(d, Phase.CONNECTING).target());
    }

    @Test
    void aPeerThatNeverAnswersTheHandshake() {
        SessionDriver d = driver();
        d.clientSendsVersion(NET, PEER).advance(Duration.ofMillis(1500)).peerConnected();
        d.advance(Duration.ofMillis(3000));
        assertFalse(d.closed());
        d.advance(Duration.ofMillis(1));
        assertEquals(new FallbackNote.Refused(V1FallbackPolicy.REQUIRE_V2), assertTimedOut(d, Phase.HANDSHAKE).note());
    }

    /** Issue 15: a handshake stuck after the peer's key (no terminator) has no session id to log. */
    @Test
    void aPeerThatSendsOnlyItsKey() {
        SessionDriver d = driver();
        d.clientSendsVersion(NET, PEER).peerConnected();
        ScriptedBip324Peer peer = d.v2Peer(NET);
        peer.receiveKey();
        d.peerSends(peer.sendKey().takeScheduled());
        d.advance(Duration.ofSeconds(4));
        assertTimedOut(d, Phase.HANDSHAKE);
        assertNull(d.session().stats().sessionId());
    }

    @Test
    void theIdleTimeoutCountsFromTheLastByteEitherWay() {
        SessionDriver d = driver();
        d.clientSendsVersion(NET, PEER).peerConnected();
        ScriptedBip324Peer peer = d.completeV2Handshake(NET, 0, 0);
        d.advance(Duration.ofSeconds(50));
        d.clientSends(NET, "ping", new byte[8]);
        d.advance(Duration.ofSeconds(50));
        peer.sendMessage("pong", new byte[8]);
        d.deliverFromPeer();
        d.advance(Duration.ofSeconds(60));
        assertFalse(d.closed(), "60 s since the pong: not more than the limit");
        assertEquals(Phase.RELAY, d.phase());
        d.advance(Duration.ofMillis(1));
        assertTimedOut(d, Phase.RELAY);
    }
}
