package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.testsupport.Policies;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.v1.DeferredChecksum;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.V1ProtocolException;
import org.bip324proxy.v2.MessageTypes;
import org.bip324proxy.v2.V2Packet;
import org.bip324proxy.v2.V2Transport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The relay's counters, driven sans I/O against a real BIP324 responder: every byte handed to the
 * engine is counted once, and the framing counters add up per message.
 */
@Tag("fast")
class SessionStatsTest {
    private static final SecureRandom RNG = new SecureRandom();
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8333);

    /** Records what the session asks the engine to do. */
    private static final class Recorder implements SessionActions {
        final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        final ByteArrayOutputStream toPeer = new ByteArrayOutputStream();
        InetSocketAddress connected;

        @Override
        public void sendToClient(ByteBuffer bytes) {
            copy(bytes, toClient);
        }

        @Override
        public void sendToPeer(ByteBuffer bytes) {
            copy(bytes, toPeer);
        }

        @Override
        public void sendToClientAfter(ByteBuffer bytes, DeferredChecksum checksum) {
            run(checksum);
            sendToClient(bytes);
        }

        @Override
        public void sendToPeerAfter(ByteBuffer bytes, DeferredChecksum check) {
            run(check);
            sendToPeer(bytes);
        }

        private static void run(DeferredChecksum job) {
            try {
                job.run();
            } catch (V1ProtocolException e) {
                throw new AssertionError("these tests send only valid messages", e);
            }
        }

        @Override
        public void connectPeer(InetSocketAddress address) {
            connected = address;
        }

        @Override
        public void shutdownPeerOutput() {
        }

        @Override
        public void shutdownClientOutput() {
        }

        @Override
        public void close() {
        }

        byte[] takeToPeer() {
            byte[] b = toPeer.toByteArray();
            toPeer.reset();
            return b;
        }

        private static void copy(ByteBuffer b, ByteArrayOutputStream out) {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.writeBytes(a);
        }
    }

    @Test
    void countsBytesMessagesDecoysUnknownIdsAndFraming() throws Exception {
        SessionSettings settings = SessionSettings.builder()
                .aeadBackend(AeadBackend.JDK)
                .destinationPolicy(Policies.loopbackPeers())
                .rng(RNG)
                .build();
        Recorder engine = new Recorder();
        ProxySession session = new ProxySession(settings, engine,
                Optional.of(new Destination(PEER, Destination.Source.SO_ORIGINAL_DST)), DestinationPolicy.Listener.LOOPBACK);
        byte[] version = V1TestClient.versionPayload(PEER, "/stats:1.0/");
        byte[] versionFrame = new V1FrameEncoder(Network.MAINNET).frame("version", version);
        session.onClientBytes(ByteBuffer.wrap(versionFrame));
        assertEquals(PEER, engine.connected);
        session.onPeerConnected();

        V2Transport peer = V2Transport.create(V2Transport.Role.RESPONDER, Network.MAINNET.magic(), RNG, AeadBackend.JDK, 0, 7);
        long peerSent = 0;
        long proxySent = 0;
        V2Packet versionAtPeer = null;
        while (versionAtPeer == null) {
            byte[] fromProxy = engine.takeToPeer();
            proxySent += fromProxy.length;
            versionAtPeer = peer.receive(ByteBuffer.wrap(fromProxy));
            byte[] reply = peer.takeOutput();
            peerSent += reply.length;
            session.onPeerBytes(ByteBuffer.wrap(reply));
        }
        assertEquals(Phase.RELAY, session.phase());

        // The peer sends: a decoy, ping (short ID), sendheaders (long form), and a packet with unknown short ID 40.
        byte[] ping = new byte[] {(byte) MessageTypes.shortId("ping"), 1, 2, 3, 4, 5, 6, 7, 8};
        byte[] sendheaders = new byte[13];
        System.arraycopy("sendheaders".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, sendheaders, 1, 11);
        byte[] unknown = new byte[] {40, 9, 9, 9};
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(peer.encrypt(new byte[5], 0, 5, true));
        wire.writeBytes(peer.encrypt(ping, 0, ping.length, false));
        wire.writeBytes(peer.encrypt(sendheaders, 0, sendheaders.length, false));
        wire.writeBytes(peer.encrypt(unknown, 0, unknown.length, false));
        byte[] w = wire.toByteArray();
        peerSent += w.length;
        // Byte by byte: counting must not depend on how TCP splits the stream.
        for (byte b : w) {
            session.onPeerBytes(ByteBuffer.wrap(new byte[] {b}));
        }

        TrafficStats t = session.stats().snapshot();
        assertNotNull(versionAtPeer);
        assertEquals(versionFrame.length, t.v1BytesIn());
        assertEquals(proxySent, t.v2BytesOut());
        assertEquals(peerSent, t.v2BytesIn());
        assertEquals(engine.toClient.size(), t.v1BytesOut());
        assertEquals(Map.of("version", 1L), t.messagesToPeer());
        assertEquals(Map.of("ping", 1L, "sendheaders", 1L), t.messagesToClient());
        assertEquals(1, t.decoysReceived());
        assertEquals(1, t.unknownShortIds());
        // v1 frames: 24-byte header + payload. v2 packets: 20 bytes + type (1 or 13) + payload.
        assertEquals(24 + version.length, t.v1FramedToPeer());
        assertEquals(20 + 13 + version.length, t.v2FramedToPeer());
        assertEquals((24 + 8) + 24, t.v1FramedToClient());
        assertEquals((20 + 1 + 8) + (20 + 13), t.v2FramedFromPeer());
        assertEquals(t.v1FramedToClient(), t.v1BytesOut(), "everything sent to the client is relayed messages");
        assertEquals((24 + version.length + 32 + 24) - (33 + version.length + 29 + 33), t.framingSaving());
    }
}
