package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.crypto.EllSwiftKeyPair;
import org.bip324proxy.testsupport.HandRolledInitiator;
import org.bip324proxy.testsupport.OfficialVectors;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.v1.DeferredChecksum;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameDecoder;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v1.V1ProtocolException;
import org.bip324proxy.v2.MessageTypes;
import org.bip324proxy.v2.V2ProtocolException;
import org.bip324proxy.v2.V2Transport;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The inbound session driven byte by byte: v1 detection, the responder handshake, translation, failures. */
@Tag("fast")
class InboundSessionTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Network NET = Network.MAINNET;
    private static final byte[] MAGIC = NET.magic();
    private static final InetSocketAddress NODE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8334);
    private static final SecureRandom RNG = new SecureRandom();
    private static final V1FrameEncoder V1 = new V1FrameEncoder(NET);
    private static final byte[] V1_PREFIX = Arrays.copyOf(
            HandRolledInitiator.concat(MAGIC, "version".getBytes(StandardCharsets.US_ASCII)), 16);

    /** The engine, as far as the session can see it: queues, a connect request, shutdowns, close. */
    static final class Recorder implements SessionActions {
        final ByteArrayOutputStream toStranger = new ByteArrayOutputStream();
        final ByteArrayOutputStream toNode = new ByteArrayOutputStream();
        final List<InetSocketAddress> connects = new ArrayList<>();
        boolean closed;
        boolean nodeOutputShut;
        boolean strangerOutputShut;

        @Override
        public void sendToClient(ByteBuffer bytes) {
            write(toStranger, bytes);
        }

        @Override
        public void sendToPeer(ByteBuffer bytes) {
            write(toNode, bytes);
        }

        @Override
        public void sendToClientAfter(ByteBuffer bytes, DeferredChecksum checksum) {
            run(checksum);
            write(toStranger, bytes);
        }

        @Override
        public void sendToPeerAfter(ByteBuffer bytes, DeferredChecksum check) {
            run(check);
            write(toNode, bytes);
        }

        @Override
        public void connectPeer(InetSocketAddress address) {
            connects.add(address);
        }

        @Override
        public void shutdownPeerOutput() {
            nodeOutputShut = true;
        }

        @Override
        public void shutdownClientOutput() {
            strangerOutputShut = true;
        }

        @Override
        public void close() {
            closed = true;
        }

        byte[] takeToStranger() {
            byte[] b = toStranger.toByteArray();
            toStranger.reset();
            return b;
        }

        List<V1Message> nodeMessages() throws V1ProtocolException {
            V1FrameDecoder d = new V1FrameDecoder(NET, 0);
            ByteBuffer in = ByteBuffer.wrap(toNode.toByteArray());
            List<V1Message> out = new ArrayList<>();
            V1Message m;
            while ((m = d.next(in)) != null) {
                out.add(m);
            }
            assertTrue(d.atMessageBoundary(), "the node got a partial frame");
            return out;
        }

        private static void run(DeferredChecksum job) {
            try {
                job.run();
            } catch (V1ProtocolException e) {
                throw new AssertionError(e);
            }
        }

        private static void write(ByteArrayOutputStream out, ByteBuffer b) {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.writeBytes(a);
        }
    }

    private final Recorder engine = new Recorder();

    private static CloseCause.V2ProtocolError v2Error(InboundSession s) {
        return assertInstanceOf(CloseCause.V2ProtocolError.class, s.closeCause().orElseThrow());
    }

    private static CloseCause.Timeout timeout(InboundSession s) {
        return assertInstanceOf(CloseCause.Timeout.class, s.closeCause().orElseThrow());
    }

    private InboundSession session(int responderGarbage) {
        return session(EllSwiftKeyPair.generate(RNG), random(responderGarbage));
    }

    private InboundSession session(EllSwiftKeyPair key, byte[] garbage) {
        return new InboundSession(NODE, engine, NET,
                V2Transport.withKey(V2Transport.Role.RESPONDER, MAGIC, key, garbage, AeadBackend.JDK, V2ToV1.RECEIVE_HEADROOM),
                Optional.empty());
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RNG.nextBytes(b);
        return b;
    }

    private static void feed(InboundSession s, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        s.onClientBytes(in);
        assertFalse(in.hasRemaining(), "the session must consume every byte");
    }

    private static byte[] versionFrame() {
        return V1.frame("version", V1TestClient.versionPayload(NODE, "/stranger:1.0/"));
    }

    /** A v2 stranger through the handshake up to the node connecting; returns the stranger. */
    private HandRolledInitiator handshake(InboundSession s, HandRolledInitiator stranger, int responderGarbage) {
        feed(s, stranger.hello());
        byte[] answer = engine.takeToStranger();
        assertEquals(List.of(NODE), engine.connects);
        stranger.onResponderKey(Arrays.copyOf(answer, 64), responderGarbage);
        List<HandRolledInitiator.Packet> packets = stranger.receive(answer);
        assertEquals(1, packets.size(), "terminator and version packet follow the key");
        assertEquals(0, packets.get(0).contents().length, "our version packet is empty");
        s.onPeerConnected();
        assertEquals(HEX.formatHex(stranger.sessionId()), s.stats().sessionId());
        return stranger;
    }

    // ---- v1 detection ------------------------------------------------------------------------

    @Test
    void v1PeerWhoseBytesArriveOneAtATimeIsRelayedUntouched() throws Exception {
        InboundSession s = session(100);
        byte[] stream = HandRolledInitiator.concat(versionFrame(), V1.frame("ping", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
        for (int i = 0; i < stream.length; i++) {
            if (i == 40) {
                s.onPeerConnected();
            }
            feed(s, new byte[] {stream[i]});
            assertEquals(0, engine.toStranger.size(), "a responder says nothing to a v1 peer");
            assertEquals(i < 15 ? 0 : 1, engine.connects.size(), "the node is dialled once the 16 bytes are in (byte " + i + ")");
            assertEquals(i < 15 ? Phase.FIRST_MESSAGE : i < 40 ? Phase.CONNECTING : Phase.RELAY,
                    s.phase());
        }
        assertEquals(Optional.of(Transport.PASSTHROUGH), s.transport());
        assertArrayEquals(stream, engine.toNode.toByteArray());
        byte[] reply = random(3000); // the node's bytes go back as they are, v1 or not
        s.onPeerBytes(ByteBuffer.wrap(reply));
        assertArrayEquals(reply, engine.takeToStranger());
        assertNull(s.stats().sessionId());
    }

    @Test
    void v1PeerInOneReadIsRelayedUntouched() throws Exception {
        InboundSession s = session(0);
        byte[] stream = HandRolledInitiator.concat(versionFrame(), V1.frame("verack", new byte[0]));
        feed(s, stream);
        s.onPeerConnected();
        assertArrayEquals(stream, engine.toNode.toByteArray());
        assertEquals(List.of("version", "verack"), engine.nodeMessages().stream().map(V1Message::command).toList());
    }

    /** A v2 key may begin with the magic, and even with 15 of the 16 prefix bytes: the 16th decides. */
    @ParameterizedTest
    @ValueSource(ints = {4, 15})
    void v2KeyThatBeginsLikeAV1VersionIsAnsweredAtItsFirstDifferingByte(int matching) throws Exception {
        byte[] keyStart = Arrays.copyOf(V1_PREFIX, matching + 1);
        keyStart[matching] = (byte) (V1_PREFIX[matching] ^ 0x5a);
        EllSwiftKeyPair key = HandRolledInitiator.keyStartingWith(keyStart);
        HandRolledInitiator stranger = new HandRolledInitiator(MAGIC, key, random(10));
        EllSwiftKeyPair ours = EllSwiftKeyPair.generate(RNG);
        byte[] ourKey = ours.encoding();
        byte[] garbage = random(33);
        InboundSession s = session(ours, garbage);
        byte[] hello = stranger.hello();
        for (int i = 0; i < matching; i++) {
            feed(s, new byte[] {hello[i]});
            assertEquals(0, engine.toStranger.size(), "silent while the bytes match the v1 prefix");
            assertTrue(engine.connects.isEmpty());
        }
        feed(s, new byte[] {hello[matching]});
        assertArrayEquals(HandRolledInitiator.concat(ourKey, garbage), engine.takeToStranger(),
                "our key and garbage at the first differing byte, nothing more");
        assertEquals(List.of(NODE), engine.connects);
        assertEquals(Optional.of(Transport.V2), s.transport());
        feed(s, Arrays.copyOfRange(hello, matching + 1, hello.length));
        byte[] answer = engine.takeToStranger();
        stranger.onResponderKey(ourKey, garbage.length);
        stranger.receive(HandRolledInitiator.concat(ourKey, garbage, answer));
        s.onPeerConnected();
        relayOneMessageEachWay(s, stranger);
    }

    @Test
    void v1PeerOfAnotherNetworkIsAnsweredThenRefused() throws Exception {
        InboundSession s = session(0);
        feed(s, new V1FrameEncoder(Network.TESTNET4).frame("version", V1TestClient.versionPayload(NODE, "/t4/")));
        assertTrue(engine.closed);
        assertEquals(V2ProtocolException.Reason.WRONG_NETWORK, v2Error(s).reason());
        assertEquals(0, engine.toNode.size());
    }

    // ---- v2: handshake, translation, decoys, garbage -------------------------------------------

    private void relayOneMessageEachWay(InboundSession s, HandRolledInitiator stranger) throws Exception {
        byte[] versionPayload = V1TestClient.versionPayload(NODE, "/v2-stranger:1.0/");
        byte[] ping = {8, 7, 6, 5, 4, 3, 2, 1};
        feed(s, HandRolledInitiator.concat(stranger.terminator(), stranger.packet(new byte[0], false),
                stranger.packet(HandRolledInitiator.longFormContents("version", versionPayload), false),
                stranger.packet(HandRolledInitiator.contents(MessageTypes.shortId("ping"), ping), false)));
        assertEquals(Phase.RELAY, s.phase());
        assertArrayEquals(HandRolledInitiator.concat(V1.frame("version", versionPayload), V1.frame("ping", ping)),
                engine.toNode.toByteArray(), "the node gets v1 frames, byte-exact");
        byte[] nodeVersion = V1TestClient.versionPayload(NODE, "/node:0.21/");
        s.onPeerBytes(ByteBuffer.wrap(HandRolledInitiator.concat(V1.frame("version", nodeVersion), V1.frame("pong", ping))));
        List<HandRolledInitiator.Packet> got = stranger.receive(engine.takeToStranger());
        assertEquals(2, got.size());
        assertArrayEquals(HandRolledInitiator.longFormContents("version", nodeVersion), got.get(0).contents());
        assertArrayEquals(HandRolledInitiator.contents(MessageTypes.shortId("pong"), ping), got.get(1).contents());
        assertFalse(engine.closed, () -> s.closeCause().map(CloseCause::describe).orElse(""));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4094, 4095})
    void strangersGarbageUpToTheLimitAndDecoysAnywhereAreHandled(int garbageLen) throws Exception {
        InboundSession s = session(4095 - garbageLen);
        HandRolledInitiator stranger = handshake(s, new HandRolledInitiator(MAGIC, garbageLen), 4095 - garbageLen);
        byte[] payload = random(500);
        // Decoys before the version packet (the first carries the garbage as AAD), a non-empty
        // version packet, decoys between messages: only the messages reach the node.
        byte[] wire = HandRolledInitiator.concat(stranger.terminator(),
                stranger.packet(random(20), true), stranger.packet(random(3), true),
                stranger.packet("ignored version contents".getBytes(StandardCharsets.US_ASCII), false),
                stranger.packet(HandRolledInitiator.contents(MessageTypes.shortId("tx"), payload), false),
                stranger.packet(random(100), true),
                stranger.packet(HandRolledInitiator.longFormContents("sendaddrv2", new byte[0]), false));
        for (int i = 0; i < wire.length; i += 7) {
            feed(s, Arrays.copyOfRange(wire, i, Math.min(wire.length, i + 7)));
        }
        assertEquals(List.of("tx", "sendaddrv2"), engine.nodeMessages().stream().map(V1Message::command).toList());
        assertArrayEquals(payload, engine.nodeMessages().get(0).copyPayload());
        assertEquals(3, s.stats().decoysReceived());
        assertEquals(Phase.RELAY, s.phase());
        assertFalse(engine.closed);
    }

    @Test
    void noTerminatorWithin4095BytesOfGarbageCloses() {
        InboundSession s = session(10);
        HandRolledInitiator stranger = handshake(s, new HandRolledInitiator(MAGIC, 4095), 10);
        byte[] notTheTerminator = stranger.terminator();
        notTheTerminator[0] ^= 1;
        feed(s, notTheTerminator);
        assertTrue(engine.closed);
        assertEquals(V2ProtocolException.Reason.GARBAGE_TERMINATOR_NOT_FOUND, v2Error(s).reason());
        assertEquals(0, engine.toNode.size());
    }

    @Test
    void badMacCloses() {
        InboundSession s = session(10);
        HandRolledInitiator stranger = handshake(s, new HandRolledInitiator(MAGIC, 10), 10);
        byte[] version = stranger.packet(new byte[0], false);
        version[version.length - 1] ^= 1;
        feed(s, HandRolledInitiator.concat(stranger.terminator(), version));
        assertTrue(engine.closed);
        assertEquals(V2ProtocolException.Reason.AUTHENTICATION_FAILED, v2Error(s).reason());
    }

    @Test
    void largeMessagesBothWaysAreByteExact() throws Exception {
        InboundSession s = session(0);
        HandRolledInitiator stranger = handshake(s, new HandRolledInitiator(MAGIC, 0), 0);
        byte[] block = random(ProxySession.DEFER_CHECKSUMS_FROM * 3); // checksum written off the loop
        feed(s, HandRolledInitiator.concat(stranger.terminator(), stranger.packet(new byte[0], false),
                stranger.packet(HandRolledInitiator.contents(MessageTypes.shortId("block"), block), false)));
        assertArrayEquals(V1.frame("block", block), engine.toNode.toByteArray());
        byte[] nodeBlock = random(1_000_000);
        byte[] frame = V1.frame("block", nodeBlock);
        for (int i = 0; i < frame.length; i += 65536) {
            s.onPeerBytes(ByteBuffer.wrap(frame, i, Math.min(65536, frame.length - i)));
        }
        List<HandRolledInitiator.Packet> got = stranger.receive(engine.takeToStranger());
        assertArrayEquals(HandRolledInitiator.contents(MessageTypes.shortId("block"), nodeBlock), got.get(0).contents());
    }

    @Test
    void badChecksumFromTheNodeCloses() {
        InboundSession s = session(0);
        HandRolledInitiator stranger = handshake(s, new HandRolledInitiator(MAGIC, 0), 0);
        feed(s, HandRolledInitiator.concat(stranger.terminator(), stranger.packet(new byte[0], false)));
        byte[] frame = V1.frame("pong", new byte[8]);
        frame[frame.length - 1] ^= 1;
        s.onPeerBytes(ByteBuffer.wrap(frame));
        assertTrue(engine.closed);
        CloseCause.V1ProtocolError e = assertInstanceOf(CloseCause.V1ProtocolError.class, s.closeCause().orElseThrow());
        assertEquals(CloseCause.Party.NODE, e.from());
        assertEquals(V1ProtocolException.Reason.BAD_CHECKSUM, e.reason());
        assertEquals(0, engine.toStranger.size());
    }

    @Test
    void nodeIsNotReadBeforeTheStrangersKeyIsComplete() {
        InboundSession s = session(0);
        feed(s, Arrays.copyOf(new HandRolledInitiator(MAGIC, 0).hello(), 30));
        s.onPeerConnected();
        assertEquals(Phase.HANDSHAKE, s.phase());
        assertFalse(s.wantsPeerBytes(), "nothing can be encrypted for the stranger yet");
        assertTrue(s.wantsClientBytes());
    }

    @Test
    void theNodesVersionAdvertisesV2OnV2SessionsOnly() throws Exception {
        AdvertiseV2 advertise = new AdvertiseV2(InetAddress.getByName("203.0.113.5"));
        byte[] nodeVersion = V1TestClient.versionPayload(NODE, "/node:0.21/");
        byte[] advertised = nodeVersion.clone();
        advertised[5] |= 0x08;

        InboundSession v2Session = new InboundSession(NODE, engine, NET, V2Transport.withKey(V2Transport.Role.RESPONDER,
                MAGIC, EllSwiftKeyPair.generate(RNG), new byte[0], AeadBackend.JDK, V2ToV1.RECEIVE_HEADROOM), Optional.of(advertise));
        HandRolledInitiator stranger = handshake(v2Session, new HandRolledInitiator(MAGIC, 0), 0);
        feed(v2Session, HandRolledInitiator.concat(stranger.terminator(), stranger.packet(new byte[0], false)));
        v2Session.onPeerBytes(ByteBuffer.wrap(V1.frame("version", nodeVersion)));
        assertArrayEquals(HandRolledInitiator.longFormContents("version", advertised),
                stranger.receive(engine.takeToStranger()).get(0).contents());

        Recorder v1Engine = new Recorder();
        InboundSession v1Session = new InboundSession(NODE, v1Engine, NET, V2Transport.withKey(V2Transport.Role.RESPONDER,
                MAGIC, EllSwiftKeyPair.generate(RNG), new byte[0], AeadBackend.JDK, V2ToV1.RECEIVE_HEADROOM), Optional.of(advertise));
        v1Session.onClientBytes(ByteBuffer.wrap(versionFrame()));
        v1Session.onPeerConnected();
        v1Session.onPeerBytes(ByteBuffer.wrap(V1.frame("version", nodeVersion)));
        assertArrayEquals(V1.frame("version", nodeVersion), v1Engine.takeToStranger(), "v1 peers get the node's bytes untouched");
    }

    // ---- ends and timeouts -------------------------------------------------------------------

    @Test
    void halfClosesTravelBothWaysAndBothEndTheSession() {
        InboundSession s = session(0);
        HandRolledInitiator stranger = handshake(s, new HandRolledInitiator(MAGIC, 0), 0);
        feed(s, HandRolledInitiator.concat(stranger.terminator(), stranger.packet(new byte[0], false)));
        s.onPeerEof();
        assertTrue(engine.strangerOutputShut);
        assertFalse(engine.closed);
        s.onClientEof();
        assertFalse(engine.nodeOutputShut, "both finished: the session closes instead");
        assertTrue(engine.closed);

        InboundSession other = session(0);
        feed(other, V1_PREFIX);
        other.onPeerConnected();
        other.onClientEof();
        assertTrue(engine.nodeOutputShut);
        assertEquals(Optional.empty(), s.closeCause());
    }

    @Test
    void strangerClosingInsideAPacketIsAnError() {
        InboundSession s = session(0);
        HandRolledInitiator stranger = handshake(s, new HandRolledInitiator(MAGIC, 0), 0);
        byte[] ping = stranger.packet(new byte[0], false);
        feed(s, HandRolledInitiator.concat(stranger.terminator(), ping,
                Arrays.copyOf(stranger.packet(HandRolledInitiator.contents(18, new byte[8]), false), 10)));
        s.onClientEof();
        assertEquals(Optional.of(new CloseCause.Truncated(CloseCause.Party.PEER)), s.closeCause());
    }

    @Test
    void everyPhaseHasATimeoutWithAReason() {
        InboundSession silent = session(0);
        silent.onTimeout();
        assertEquals(Phase.FIRST_MESSAGE, timeout(silent).phase());

        InboundSession dialling = session(0);
        feed(dialling, V1_PREFIX);
        dialling.onTimeout();
        assertEquals(Phase.CONNECTING, timeout(dialling).phase());
        assertEquals("the node 127.0.0.1:8334 via configured", timeout(dialling).target());

        InboundSession handshaking = session(0);
        feed(handshaking, new HandRolledInitiator(MAGIC, 0).hello());
        handshaking.onPeerConnected();
        handshaking.onTimeout();
        assertEquals(Phase.HANDSHAKE, timeout(handshaking).phase());
        assertEquals(RelaySession.Direction.INBOUND, timeout(handshaking).direction());
    }

    @Test
    void nodeThatCannotBeReachedClosesWithItsAddress() {
        InboundSession s = session(0);
        feed(s, V1_PREFIX);
        s.onPeerConnectFailed("Connection refused");
        CloseCause.ConnectFailed failed = assertInstanceOf(CloseCause.ConnectFailed.class, s.closeCause().orElseThrow());
        assertEquals("the node 127.0.0.1:8334 via configured", failed.target());
        assertEquals("Connection refused", failed.why());
    }

    // ---- official vectors --------------------------------------------------------------------

    static Stream<Arguments> responderVectors() {
        return OfficialVectors.load("packet_encoding_test_vectors.csv").stream()
                .filter(row -> row.get("in_initiating").equals("0"))
                .map(row -> Arguments.of(Named.of("line " + row.line(), row)));
    }

    /**
     * The official rows in which "ours" responds: with the row's key, the session answers with the
     * row's encoding, derives the row's session id and terminators, and relays with a stranger
     * that knows only the row's shared secret.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("responderVectors")
    void officialVectorsInTheResponderRole(OfficialVectors.Row row) throws Exception {
        EllSwiftKeyPair ours = EllSwiftKeyPair.of(HEX.parseHex(row.get("in_priv_ours")), HEX.parseHex(row.get("in_ellswift_ours")));
        byte[] garbage = random(50);
        InboundSession s = session(ours, garbage);
        feed(s, HEX.parseHex(row.get("in_ellswift_theirs")));
        byte[] answer = engine.takeToStranger();
        assertArrayEquals(HEX.parseHex(row.get("in_ellswift_ours")), Arrays.copyOf(answer, 64));
        assertArrayEquals(garbage, Arrays.copyOfRange(answer, 64, 64 + garbage.length));
        assertArrayEquals(HEX.parseHex(row.get("mid_send_garbage_terminator")),
                Arrays.copyOfRange(answer, 64 + garbage.length, 64 + garbage.length + 16));
        assertEquals(row.get("out_session_id"), s.stats().sessionId());

        var keys = org.bip324proxy.v2.SessionKeys.derive(HEX.parseHex(row.get("mid_shared_secret")), MAGIC);
        var theirs = new org.bip324proxy.v2.PacketCipher(keys, true, AeadBackend.JDK);
        assertArrayEquals(HEX.parseHex(row.get("mid_recv_garbage_terminator")), theirs.sendGarbageTerminator());
        // Our version packet authenticates with our garbage as AAD.
        byte[] version = Arrays.copyOfRange(answer, 64 + garbage.length + 16, answer.length);
        assertEquals(0, theirs.decryptLength(version, 0));
        assertEquals(0, theirs.decryptInPlace(version, 3, 0, garbage));
        s.onPeerConnected();
        byte[] ping = random(8);
        feed(s, HandRolledInitiator.concat(theirs.sendGarbageTerminator(), theirs.encrypt(new byte[0], 0, 0, new byte[0], false),
                theirs.encrypt(HandRolledInitiator.contents(18, ping), 0, 9, new byte[0], false)));
        assertArrayEquals(V1.frame("ping", ping), engine.toNode.toByteArray());
        s.onPeerBytes(ByteBuffer.wrap(V1.frame("pong", ping)));
        byte[] pong = engine.takeToStranger();
        assertEquals(9, theirs.decryptLength(pong, 0));
        assertEquals(0, theirs.decryptInPlace(pong, 3, 9, new byte[0]));
        assertArrayEquals(HandRolledInitiator.contents(MessageTypes.shortId("pong"), ping), Arrays.copyOfRange(pong, 4, 13));
    }
}
