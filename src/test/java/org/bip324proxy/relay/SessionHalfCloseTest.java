package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.bip324proxy.testsupport.ScriptedBip324Peer;
import org.bip324proxy.testsupport.SessionDriver;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Half-close (TCP FIN one way) through {@link ProxySession}: each side's EOF is passed on once what
 * came before it is, the other direction keeps flowing, and the session ends cleanly only when both
 * sides finished. The socket version stays in {@code engine.FailureIntegrationTest}.
 */
@Tag("fast")
class SessionHalfCloseTest {
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8333);
    private static final Network NET = Network.MAINNET;

    private static ScriptedBip324Peer relaying(SessionDriver d) {
        d.clientSendsVersion(NET, PEER).peerConnected();
        ScriptedBip324Peer peer = d.completeV2Handshake(NET, 5, 0);
        assertEquals("version", peer.receiveMessage().command());
        return peer;
    }

    @Test
    void theClientsEofFollowsEverythingItSentAndThePeerMayStillAnswer() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        ScriptedBip324Peer peer = relaying(d);
        for (int i = 0; i < 50; i++) {
            d.clientSends(NET, "tx", new byte[100 + i]);
        }
        d.clientEof();
        assertTrue(d.peerOutputShut(), "the client's FIN is passed on");
        for (int i = 0; i < 50; i++) {
            ScriptedBip324Peer.Message m = peer.receiveMessage();
            assertEquals(100 + i, m.payload().length);
            peer.sendMessage("tx", m.payload());
        }
        d.deliverFromPeer();
        assertEquals(50, d.clientMessages(NET).size(), "the peer's answers still reach the client");
        assertFalse(d.closed());
        d.peerEof();
        assertTrue(d.closed());
        assertEquals(Optional.empty(), d.session().closeCause(), "both sides finished: a clean close");
    }

    @Test
    void thePeersEofEndsOnlyTheClientsReadingSide() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        ScriptedBip324Peer peer = relaying(d);
        peer.sendMessage("inv", new byte[] {1});
        d.deliverFromPeer().peerEof();
        assertTrue(d.clientOutputShut());
        assertFalse(d.closed());
        assertEquals(List.of("inv"), d.clientMessages(NET).stream().map(V1Message::command).toList());
        byte[] later = new byte[5000];
        for (int i = 0; i < 10; i++) {
            d.clientSends(NET, "tx", later);
        }
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(later, peer.receiveMessage().payload(), "client message " + i + " after the peer's FIN");
        }
        d.clientEof();
        assertTrue(d.closed());
        assertEquals(Optional.empty(), d.session().closeCause());
        assertEquals(10L, d.session().stats().snapshot().messagesToPeer().get("tx"));
    }

    @Test
    void passthroughHalfClosesEachWayToo() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        byte[] http = "GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        d.clientSends(http).peerConnected();
        assertArrayEquals(http, d.takeToPeer());
        d.clientEof();
        assertTrue(d.peerOutputShut());
        d.peerSends(new byte[] {1, 2, 3}).peerEof();
        assertArrayEquals(new byte[] {1, 2, 3}, d.clientReceived());
        assertTrue(d.closed());
        assertEquals(Optional.empty(), d.session().closeCause());
    }
}
