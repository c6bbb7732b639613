package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bip324proxy.testsupport.ScriptedBip324Peer;
import org.bip324proxy.testsupport.SessionDriver;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v1.VersionMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A v1 client and a BIP324 peer through {@link ProxySession}, driven by {@link SessionDriver}: the
 * handshake as initiator (BIP324, "Handshake"), and translation both ways with split reads, decoys
 * and unknown message IDs. The socket versions of a few of these stay in
 * {@code engine.V2RelayIntegrationTest}.
 */
@Tag("fast")
class SessionV2RelayTest {
    static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8333);

    static List<Network> networks() {
        return Network.knownNetworks();
    }

    @ParameterizedTest
    @MethodSource("networks")
    void everyNetworkGetsABip324SessionAndItsMessagesThrough(Network network) {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        d.clientSendsVersion(network, PEER);
        assertEquals(List.of(PEER), d.connects());
        d.peerConnected();
        assertEquals(Phase.HANDSHAKE, d.phase());
        ScriptedBip324Peer peer = d.completeV2Handshake(network, 10, 0);
        assertEquals(Phase.RELAY, d.phase());
        assertEquals(HexFormat.of().formatHex(peer.sessionId()), d.session().stats().sessionId());
        assertEquals("version", peer.receiveMessage().command());

        d.clientSends(network, "ping", new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        ScriptedBip324Peer.Message ping = peer.receiveMessage();
        assertEquals("ping", ping.command());
        peer.sendMessage("pong", ping.payload());
        d.deliverFromPeer();
        List<V1Message> got = d.clientMessages(network);
        assertEquals(1, got.size());
        assertEquals("pong", got.get(0).command());
        assertArrayEquals(ping.payload(), got.get(0).copyPayload());
        assertEquals(network, d.session().network().orElseThrow());
    }

    @Test
    void theVersionIsForwardedByteExactEvenWhenItTricklesInByteByByte() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).maxChunk(1).build();
        byte[] payload = V1TestClient.versionPayload(PEER, "/drip:1.0/");
        d.clientSends(Network.MAINNET, "version", payload);
        d.peerConnected();
        ScriptedBip324Peer peer = d.completeV2Handshake(Network.MAINNET, 0, 0);
        ScriptedBip324Peer.Message version = peer.receiveMessage();
        assertEquals("version", version.command());
        assertArrayEquals(payload, version.payload());
    }

    @Test
    void messagesPipelinedBehindTheVersionWaitForTheHandshakeAndKeepTheirOrder() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        V1FrameEncoder enc = new V1FrameEncoder(Network.MAINNET);
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        burst.writeBytes(enc.frame("version", V1TestClient.versionPayload(PEER, "/pipe:1.0/")));
        for (int i = 0; i < 20; i++) {
            burst.writeBytes(enc.frame(i % 2 == 0 ? "inv" : "sendheaders", new byte[i]));
        }
        d.clientSends(burst.toByteArray());
        d.peerConnected();
        ScriptedBip324Peer peer = d.completeV2Handshake(Network.MAINNET, 100, 2);
        assertEquals("version", peer.receiveMessage().command());
        for (int i = 0; i < 20; i++) {
            ScriptedBip324Peer.Message m = peer.receiveMessage();
            assertEquals(i % 2 == 0 ? "inv" : "sendheaders", m.command());
            assertEquals(i, m.payload().length);
        }
        assertEquals(0, peer.available());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4095})
    void peerGarbageOfAnyLegalLengthAndDecoysBeforeTheVersionPacket(int garbage) {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).seed(garbage).build();
        d.clientSendsVersion(Network.MAINNET, PEER).peerConnected();
        ScriptedBip324Peer peer = d.completeV2Handshake(Network.MAINNET, garbage, 3);
        assertEquals(Phase.RELAY, d.phase());
        assertEquals(3, d.session().stats().snapshot().decoysReceived());
        assertEquals("version", peer.receiveMessage().command());
    }

    @Test
    void aVersionPacketWithContentsIsAcceptedAndItsContentsIgnored() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        d.clientSendsVersion(Network.MAINNET, PEER).peerConnected();
        ScriptedBip324Peer peer = d.v2Peer(Network.MAINNET);
        peer.receiveKey();
        peer.sendKey().sendGarbage(7).sendGarbageTerminator().sendVersion(new byte[] {9, 9, 9});
        d.deliverFromPeer();
        assertEquals(Phase.RELAY, d.phase());
        assertTrue(d.clientMessages(Network.MAINNET).isEmpty());
    }

    @Test
    void decoysUnknownShortIdsAndLongFormTypesFromThePeer() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).maxChunk(1).build();
        d.clientSendsVersion(Network.MAINNET, PEER).peerConnected();
        ScriptedBip324Peer peer = d.completeV2Handshake(Network.MAINNET, 3, 0);
        peer.sendDecoy(5).sendMessage("ping", new byte[8]).sendPacket(new byte[] {40, 1, 2}, false)
                .sendLongFormMessage("sendheaders", new byte[0]).sendDecoy(0).sendMessage("inv", new byte[] {0});
        d.deliverFromPeer();
        List<String> commands = d.clientMessages(Network.MAINNET).stream().map(V1Message::command).toList();
        assertEquals(List.of("ping", "sendheaders", "inv"), commands);
        TrafficStats t = d.session().stats().snapshot();
        assertEquals(2, t.decoysReceived());
        assertEquals(1, t.unknownShortIds());
    }

    @Test
    void largeMessagesAreByteExactBothWaysAndTheirChecksumsLeftToTheEngine() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        d.clientSendsVersion(Network.MAINNET, PEER).peerConnected();
        ScriptedBip324Peer peer = d.completeV2Handshake(Network.MAINNET, 50, 1);
        peer.receiveMessage();
        Random r = new Random(3);
        List<byte[]> sent = new ArrayList<>();
        for (int size : new int[] {ProxySession.DEFER_CHECKSUMS_FROM - 1, ProxySession.DEFER_CHECKSUMS_FROM, 1 << 20, 4_000_000}) {
            byte[] payload = new byte[size];
            r.nextBytes(payload);
            sent.add(payload);
            d.clientSends(Network.MAINNET, "block", payload);
            peer.sendMessage("block", payload);
        }
        d.deliverFromPeer();
        List<V1Message> atClient = d.clientMessages(Network.MAINNET);
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), peer.receiveMessage().payload(), "to the peer, message " + i);
            assertArrayEquals(sent.get(i), atClient.get(i).copyPayload(), "to the client, message " + i);
        }
        assertEquals(6, d.checksumJobs(), "three large messages each way are hashed off the loop");
    }

    @Test
    void theUserAgentSuffixIsAppendedToTheForwardedVersion() throws Exception {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).userAgentSuffix("via-proxy:1.0/").build();
        d.clientSends(Network.MAINNET, "version", V1TestClient.versionPayload(PEER, "/client:2.0/"));
        d.peerConnected();
        ScriptedBip324Peer peer = d.completeV2Handshake(Network.MAINNET, 0, 0);
        ScriptedBip324Peer.Message m = peer.receiveMessage();
        VersionMessage v = VersionMessage.parse(V1Message.of("version", m.payload()));
        assertEquals("/client:2.0/via-proxy:1.0/", v.userAgent());
    }

    @Test
    void aHandshakeLearnsTheDestinationAsV2() {
        V1FallbackPolicy policy = new V1FallbackPolicy(V1FallbackPolicy.Mode.PREFER_V2, new KnownV2Peers(10));
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).v1Fallback(policy).build();
        d.clientSendsVersion(Network.MAINNET, PEER).peerConnected();
        assertFalse(policy.known().evidence(PEER).isPresent());
        d.completeV2Handshake(Network.MAINNET, 0, 0);
        assertEquals(KnownV2Peers.Evidence.HANDSHAKE, policy.known().evidence(PEER).orElseThrow());
    }
}
