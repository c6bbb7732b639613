package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bip324proxy.testsupport.ScriptedBip324Peer;
import org.bip324proxy.testsupport.SessionDriver;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v1.V1ProtocolException;
import org.bip324proxy.v2.V2ProtocolException;
import org.bip324proxy.v2.V2Transport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Broken or hostile parties against {@link ProxySession} through {@link SessionDriver}: each case
 * ends with the session closed and a reason that says what happened. The socket versions of the
 * same cases stay in {@code engine.FailureIntegrationTest} (they also show both sockets close).
 */
@Tag("fast")
class SessionFailureTest {
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8333);
    private static final Network NET = Network.MAINNET;
    private static final V1FrameEncoder V1 = new V1FrameEncoder(NET);

    /** A session in RELAY with the peer's VERSION-carrying packet already consumed. */
    private static ScriptedBip324Peer relaying(SessionDriver d) {
        d.clientSendsVersion(NET, PEER).peerConnected();
        ScriptedBip324Peer peer = d.completeV2Handshake(NET, 5, 0);
        assertEquals("version", peer.receiveMessage().command());
        return peer;
    }

    private static void assertClosed(SessionDriver d, CloseCause expected) {
        assertEquals(Phase.CLOSED, d.phase());
        assertEquals(expected, d.closeCause(), () -> d.closeCause().describe());
    }

    private static void assertV2Error(SessionDriver d, V2ProtocolException.Reason reason) {
        assertEquals(reason, d.closedWith(CloseCause.V2ProtocolError.class).reason());
    }

    private static void assertV1Error(SessionDriver d, V1ProtocolException.Reason reason, boolean inVersion) {
        CloseCause.V1ProtocolError e = d.closedWith(CloseCause.V1ProtocolError.class);
        assertEquals(CloseCause.Party.CLIENT, e.from());
        assertEquals(reason, e.reason());
        assertEquals(inVersion, e.inVersion());
    }

    /** Header, contents or tag damaged: the packet fails authentication at once. */
    @ParameterizedTest
    @ValueSource(ints = {3, 4, 10, -1})
    void aDamagedPeerPacketCloses(int index) {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        ScriptedBip324Peer peer = relaying(d);
        peer.sendMessage("ping", new byte[8]).damage(index, 0x10);
        d.deliverFromPeer();
        assertV2Error(d, V2ProtocolException.Reason.AUTHENTICATION_FAILED);
        assertTrue(d.clientMessages(NET).isEmpty(), "nothing from a damaged packet reaches the client");
    }

    /**
     * A damaged length field makes the session wait for a packet of the wrong size; it fails once
     * that many bytes arrived (as Bitcoin Core's tests expect: perhaps not at once, but before
     * anything more is delivered).
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aDamagedLengthFieldClosesBeforeAnythingMoreIsDelivered(int index) {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        ScriptedBip324Peer peer = relaying(d);
        peer.sendMessage("ping", new byte[8]).damage(index, 0x10);
        for (int i = 0; i < 100 && !d.closed(); i++) {
            peer.sendMessage("block", new byte[64 * 1024]);
            d.deliverFromPeer();
        }
        d.closedWith(CloseCause.V2ProtocolError.class);
        assertTrue(d.clientMessages(NET).isEmpty(), "nothing after a damaged length reaches the client");
    }

    @Test
    void aDamagedVersionPacketClosesInTheHandshake() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        d.clientSendsVersion(NET, PEER).peerConnected();
        ScriptedBip324Peer peer = d.v2Peer(NET);
        peer.receiveKey();
        peer.sendKey().sendGarbage(20).sendGarbageTerminator().sendVersion().damage(-1, 1);
        d.deliverFromPeer();
        assertV2Error(d, V2ProtocolException.Reason.AUTHENTICATION_FAILED);
    }

    @Test
    void garbageBeyond4095BytesWithoutATerminatorCloses() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        d.clientSendsVersion(NET, PEER).peerConnected();
        ScriptedBip324Peer peer = d.v2Peer(NET);
        peer.receiveKey();
        peer.sendKey().sendGarbage(V2Transport.MAX_GARBAGE_LEN + 1).sendGarbageTerminator().sendVersion();
        d.deliverFromPeer();
        assertV2Error(d, V2ProtocolException.Reason.GARBAGE_TERMINATOR_NOT_FOUND);
        assertNull(d.session().stats().sessionId(), "a handshake that never completed has no session id");
    }

    @Test
    void badChecksumFromTheClientCloses() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        relaying(d);
        byte[] frame = V1.frame("inv", new byte[] {1, 2, 3});
        frame[20] ^= 1;
        d.clientSends(frame);
        assertV1Error(d, V1ProtocolException.Reason.BAD_CHECKSUM, false);
    }

    /** A large message's checksum is checked by the engine after encryption: it and what follows are dropped. */
    @Test
    void aBadChecksumOnALargeMessageSendsNothingFromItOn() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        ScriptedBip324Peer peer = relaying(d);
        byte[] payload = new byte[ProxySession.DEFER_CHECKSUMS_FROM * 3];
        new Random(5).nextBytes(payload);
        d.clientSends(NET, "block", payload);
        assertEquals("block", peer.receiveMessage().command());
        byte[] bad = V1.frame("block", payload);
        bad[bad.length - 1] ^= 1;
        byte[] badThenPing = Arrays.copyOf(bad, bad.length + 32);
        System.arraycopy(V1.frame("ping", new byte[8]), 0, badThenPing, bad.length, 32);
        d.clientSends(badThenPing);
        assertV1Error(d, V1ProtocolException.Reason.BAD_CHECKSUM, false);
        assertEquals(0, peer.available(), "neither the bad block nor the ping behind it reached the peer");
    }

    @Test
    void badMagicMidStreamCloses() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        relaying(d);
        d.clientSends(new V1FrameEncoder(Network.TESTNET3).frame("inv", new byte[3]));
        assertV1Error(d, V1ProtocolException.Reason.BAD_MAGIC, false);
    }

    @Test
    void aLengthOverFourMillionClosesBeforeThePayload() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        relaying(d);
        byte[] header = V1.frame("block", new byte[0]);
        ByteBuffer.wrap(header, 16, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(4_000_001);
        d.clientSends(header);
        assertV1Error(d, V1ProtocolException.Reason.OVERSIZED_PAYLOAD, false);
    }

    @Test
    void aBadChecksumOnTheFirstVersionCloses() {
        SessionDriver d = SessionDriver.builder().build();
        byte[] frame = V1.frame("version", V1TestClient.versionPayload(PEER, "/x/"));
        frame[23] ^= 1;
        d.clientSends(frame);
        assertV1Error(d, V1ProtocolException.Reason.BAD_CHECKSUM, true);
        assertTrue(d.connects().isEmpty());
    }

    @Test
    void aFirstMessageOtherThanVersionCloses() {
        SessionDriver d = SessionDriver.builder().build();
        d.clientSends(NET, "ping", new byte[8]);
        assertClosed(d, new CloseCause.NotVersion("ping"));
    }

    @Test
    void aRefusedConnectionToThePeerCloses() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        d.clientSendsVersion(NET, PEER).peerConnectFailed("Connection refused");
        assertClosed(d, new CloseCause.ConnectFailed("127.0.0.1:8333 via so_original_dst", "Connection refused"));
    }

    @Test
    void aPeerClosingOnTheKeyClosesWithTheFallbackRefusal() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        d.clientSendsVersion(NET, PEER).peerConnected().peerEof();
        assertClosed(d, new CloseCause.ClosedInHandshake(new FallbackNote.Refused(V1FallbackPolicy.REQUIRE_V2)));
        assertEquals(1, d.connects().size(), "no fallback connection");
    }

    @Test
    void aPeerResettingOnTheKeyClosesWithTheFallbackRefusal() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        d.clientSendsVersion(NET, PEER).peerConnected().error(true, "Connection reset");
        assertClosed(d, new CloseCause.IoError(CloseCause.Party.PEER, "Connection reset",
                new FallbackNote.Refused(V1FallbackPolicy.REQUIRE_V2)));
    }

    @Test
    void aPeerClosingInTheMiddleOfAPacketIsAnErrorNotAHalfClose() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        ScriptedBip324Peer peer = relaying(d);
        byte[] packet = peer.sendMessage("ping", new byte[8]).takeScheduled();
        d.peerSends(Arrays.copyOf(packet, packet.length - 1)).peerEof();
        assertClosed(d, new CloseCause.Truncated(CloseCause.Party.PEER));
        assertTrue(!d.clientOutputShut());
    }

    @Test
    void aClientClosingInTheMiddleOfAMessageIsAnError() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        relaying(d);
        byte[] frame = V1.frame("ping", new byte[8]);
        d.clientSends(Arrays.copyOf(frame, 30)).clientEof();
        assertClosed(d, new CloseCause.Truncated(CloseCause.Party.CLIENT));
    }

    @Test
    void aClientClosingBeforeItsVersionWasDeliveredCloses() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        d.clientSendsVersion(NET, PEER).clientEof();
        assertEquals(Phase.CONNECTING, d.phase(), "EOF is not read while connecting");
        d.peerConnected();
        assertEquals(Phase.HANDSHAKE, d.phase());
        d.completeV2Handshake(NET, 0, 0);
        assertEquals(Phase.RELAY, d.phase(), "the VERSION was delivered; the EOF is a half-close");
        assertTrue(d.peerOutputShut());
    }

    @Test
    void shutdownClosesWithItsReason() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        relaying(d);
        d.shutdown();
        assertClosed(d, new CloseCause.Shutdown());
    }

    @Test
    void aClientErrorInRelayCloses() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        relaying(d);
        d.error(false, "Broken pipe");
        assertClosed(d, new CloseCause.IoError(CloseCause.Party.CLIENT, "Broken pipe", new FallbackNote.None()));
        assertEquals(List.of(), d.clientMessages(NET).stream().map(V1Message::command).toList());
    }
}
