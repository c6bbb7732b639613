package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private static void assertClosed(SessionDriver d, String reason) {
        assertTrue(d.closed(), "still open in phase " + d.phase());
        assertTrue(d.closeReason().contains(reason), "expected '" + reason + "' in: " + d.closeReason());
    }

    @Test
    void aClientThatSendsNoCompleteFirstMessageInTime() {
        SessionDriver d = driver();
        d.clientSends(new byte[] {(byte) 0xf9, (byte) 0xbe}); // the start of a magic, then nothing
        d.advance(Duration.ofMillis(1000));
        assertFalse(d.closed(), "not before the limit");
        d.advance(Duration.ofMillis(1));
        assertClosed(d, "no complete first message from the client in time");
    }

    @Test
    void aConnectThatTakesTooLong() {
        SessionDriver d = driver();
        d.advance(Duration.ofMillis(900));
        d.clientSendsVersion(NET, PEER);
        d.advance(Duration.ofMillis(1900));
        assertFalse(d.closed(), "the connect limit counts from the start of CONNECTING");
        d.advance(Duration.ofMillis(101));
        assertClosed(d, "timed out connecting to 127.0.0.1:8333 via so_original_dst");
    }

    @Test
    void aPeerThatNeverAnswersTheHandshake() {
        SessionDriver d = driver();
        d.clientSendsVersion(NET, PEER).advance(Duration.ofMillis(1500)).peerConnected();
        d.advance(Duration.ofMillis(3000));
        assertFalse(d.closed());
        d.advance(Duration.ofMillis(1));
        assertClosed(d, "BIP324 handshake with 127.0.0.1:8333 via so_original_dst timed out (v1 fallback refused: require_v2)");
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
        assertClosed(d, "timed out");
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
        assertEquals(ProxySession.Phase.RELAY, d.phase());
        d.advance(Duration.ofMillis(1));
        assertClosed(d, "idle timeout");
    }
}
