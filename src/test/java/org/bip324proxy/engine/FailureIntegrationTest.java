package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bip324proxy.relay.ProxySession;
import org.bip324proxy.testsupport.CloseLine;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.ProxyHarness;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.V1Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Broken, hostile or slow parties: every case must end with both sockets closed and a close line
 * whose reason says what happened. The session's side of these and many more cases (bad
 * first messages, damaged packets, timeouts by phase) runs without sockets in
 * {@code relay.SessionFailureTest} and {@code relay.SessionTimeoutTest}; what stays here also needs
 * the engine (socket closes, worker-thread checksums, the close line).
 */
@Tag("fast")
class FailureIntegrationTest {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
    private static final byte[] MAINNET = Network.MAINNET.magic();

    @Test
    void tamperedPeerPacketClosesBothSides() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(MAINNET).tampering());
                ProxyHarness proxy = ProxyHarness.builder().start();
                V1TestClient client = connectedClient(proxy)) {
            client.send("version", V1TestClient.versionPayload(peer.address(), "/integ:1.0/"));
            assertTrue(client.closedByProxy(), "client still open; log:\n" + proxy.log());
            LogLine close = proxy.awaitClose(1);
            CloseLine.assertCause("v2_protocol_error", close);
            assertEquals(0, proxy.server().activeConnections());
        }
    }

    @Test
    void badChecksumFromClientCloses() throws Exception {
        byte[] frame = new V1FrameEncoder(Network.MAINNET).frame("inv", new byte[] {1, 2, 3});
        frame[20] ^= 1; // checksum
        assertCorruptInputCloses(frame);
    }

    /**
     * A large message's checksum is verified on a worker thread after the message was already
     * encrypted: the proxy must still close, and send the peer neither that message nor the ping
     * queued behind it (so no pong comes back), while a good large message before it gets through.
     */
    @Test
    void badChecksumOnALargeMessageSendsNothingFromItOn() throws Exception {
        V1FrameEncoder encoder = new V1FrameEncoder(Network.MAINNET);
        byte[] good = new byte[ProxySession.DEFER_CHECKSUMS_FROM * 3];
        new java.util.Random(5).nextBytes(good);
        byte[] bad = encoder.frame("block", good);
        bad[bad.length - 1] ^= 1; // payload no longer matches the checksum
        byte[] badThenPing = java.util.Arrays.copyOf(bad, bad.length + 32);
        System.arraycopy(encoder.frame("ping", new byte[8]), 0, badThenPing, bad.length, 32);
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(MAINNET));
                ProxyHarness proxy = ProxyHarness.builder().start();
                V1TestClient client = connectedClient(proxy)) {
            startSession(client, peer, proxy);
            client.send("block", good);
            V1Message echoed = client.receive();
            assertEquals("block", echoed.command(), proxy.log());
            assertArrayEquals(good, echoed.copyPayload());
            client.writeRaw(badThenPing);
            List<String> after = new ArrayList<>();
            for (V1Message m = client.receive(); m != null; m = client.receive()) {
                after.add(m.command());
            }
            assertEquals(List.of(), after, "nothing may come back after the bad block; log:\n" + proxy.log());
            CloseLine.assertCause("v1_protocol_error", proxy.awaitClose(1));
            proxy.awaitClose(1).assertField("messages_to_client", 2); // version and the good block only
        }
    }

    @Test
    void refusedConnectionToThePeerCloses() throws Exception {
        InetSocketAddress nobody;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = (InetSocketAddress) s.getLocalSocketAddress();
        }
        try (ProxyHarness proxy = ProxyHarness.builder().start(); V1TestClient client = connectedClient(proxy)) {
            client.send("version", V1TestClient.versionPayload(nobody, "/integ:1.0/"));
            assertTrue(client.closedByProxy(), proxy.log());
            CloseLine.assertCause("connect_failed", proxy.awaitClose(1));
        }
    }

    @Test
    void peerClosingOnTheKeyClosesWithAFallbackHint() throws Exception {
        assertHandshakeFailure(V2EchoPeer.Behaviour.CLOSE_ON_FIRST_BYTES, "closed_in_handshake");
    }

    /** Issue 15: the close line of a handshake that never completed named a session id never confirmed. */
    @Test
    void aHandshakeThatNeverCompletedLogsNoSessionId() throws Exception {
        try (ServerSocket keyOnlyPeer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ProxyHarness proxy = ProxyHarness.builder().handshakeTimeout(Duration.ofSeconds(1)).start();
                V1TestClient client = connectedClient(proxy)) {
            keyOnlyPeer.setSoTimeout(60_000);
            client.send("version", V1TestClient.versionPayload(
                    (InetSocketAddress) keyOnlyPeer.getLocalSocketAddress(), "/integ:1.0/"));
            try (Socket peer = keyOnlyPeer.accept()) {
                assertEquals(64, peer.getInputStream().readNBytes(64).length);
                byte[] key = new byte[64]; // every 64 bytes are an ElligatorSwift encoding: the proxy derives keys
                new SecureRandom().nextBytes(key);
                peer.getOutputStream().write(key);
                assertTrue(client.closedByProxy(), proxy.log()); // no garbage terminator ever comes
            }
            LogLine close = proxy.awaitClose(1);
            CloseLine.assertCause("timeout_handshake", close);
            close.assertNoField("session_id");
        }
    }

    @Test
    void halfCloseDeliversEverythingInFlight() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(MAINNET));
                ProxyHarness proxy = ProxyHarness.builder().start();
                V1TestClient client = connectedClient(proxy)) {
            startSession(client, peer, proxy);
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                byte[] payload = new byte[10_000 + i];
                java.util.Arrays.fill(payload, (byte) i);
                sent.add(payload);
                client.send("tx", payload);
            }
            client.shutdownOutput(); // before any echo was read: all 200 are still in flight
            for (int i = 0; i < sent.size(); i++) {
                V1Message m = client.receive();
                assertNotNull(m, "EOF after " + i + " echoes; log:\n" + proxy.log());
                assertArrayEquals(sent.get(i), m.copyPayload());
            }
            assertNull(client.receive(), "expected EOF after the last echo");
            LogLine close = proxy.awaitClose(1);
            CloseLine.assertCause("ok", close);
            close.assertField("messages_to_client", 201);
        }
    }

    @Test
    void peerHalfCloseEndsTheClientsReadingSideOnlyAndItsLaterMessagesStillArrive() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(MAINNET));
                ProxyHarness proxy = ProxyHarness.builder().start();
                V1TestClient client = connectedClient(proxy)) {
            startSession(client, peer, proxy);
            for (int i = 0; i < 50; i++) {
                client.send("tx", new byte[1000 + i]);
            }
            client.send(V2EchoPeer.HALF_CLOSE_COMMAND, new byte[0]);
            for (int i = 0; i < 50; i++) {
                V1Message m = client.receive();
                assertNotNull(m, "EOF after " + i + " echoes; log:\n" + proxy.log());
                assertEquals(1000 + i, m.length());
            }
            assertNull(client.receive(), "the peer's half-close reaches the client as EOF");

            long later = 0;
            for (int i = 0; i < 100; i++) {
                client.send("tx", new byte[5000]);
                later += 1 + 5000; // short-ID contents: type byte and payload
            }
            long deadline = System.nanoTime() + CLIENT_TIMEOUT.toNanos();
            while (peer.bytesAfterHalfClose() < later && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(later, peer.bytesAfterHalfClose(), "client messages after the peer's half-close; log:\n" + proxy.log());
            client.shutdownOutput();
            LogLine close = proxy.awaitClose(1);
            CloseLine.assertCause("ok", close);
            close.assertField("messages_to_peer", 152);
        }
    }

    @Test
    void peerClosingInTheMiddleOfAPacketIsAnErrorNotAHalfClose() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(MAINNET));
                ProxyHarness proxy = ProxyHarness.builder().start();
                V1TestClient client = connectedClient(proxy)) {
            startSession(client, peer, proxy);
            client.send(V2EchoPeer.TRUNCATE_COMMAND, new byte[100]);
            assertTrue(client.closedByProxy(), proxy.log());
            CloseLine.assertCause("truncated", proxy.awaitClose(1));
        }
    }

    private static void assertHandshakeFailure(V2EchoPeer.Behaviour behaviour, String cause) throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(MAINNET).behaving(behaviour));
                ProxyHarness proxy = ProxyHarness.builder().handshakeTimeout(Duration.ofSeconds(1)).start();
                V1TestClient client = connectedClient(proxy)) {
            client.send("version", V1TestClient.versionPayload(peer.address(), "/integ:1.0/"));
            assertTrue(client.closedByProxy(), proxy.log());
            CloseLine.assertCause(cause, proxy.awaitClose(1));
            assertEquals(1, peer.connections(), "no fallback connection expected");
        }
    }

    /** A working v2 session, then {@code corrupt} from the client: the proxy must close for a v1 protocol error. */
    private static void assertCorruptInputCloses(byte[] corrupt) throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(MAINNET));
                ProxyHarness proxy = ProxyHarness.builder().start();
                V1TestClient client = connectedClient(proxy)) {
            startSession(client, peer, proxy);
            client.send("ping", new byte[8]);
            assertEquals("pong", client.receive().command());
            client.writeRaw(corrupt);
            assertTrue(client.closedByProxy(), "client still open; log:\n" + proxy.log());
            CloseLine.assertCause("v1_protocol_error", proxy.awaitClose(1));
            assertEquals(0, proxy.server().activeConnections());
        }
    }

    /** VERSION through the proxy to {@code peer} and the peer's VERSION back: a live BIP324 session. */
    private static void startSession(V1TestClient client, V2EchoPeer peer, ProxyHarness proxy) throws Exception {
        client.send("version", V1TestClient.versionPayload(peer.address(), "/integ:1.0/"));
        assertNotNull(client.receive(), proxy.log());
    }

    private static V1TestClient connectedClient(ProxyHarness proxy) throws java.io.IOException {
        return new V1TestClient(proxy.address(), Network.MAINNET, CLIENT_TIMEOUT);
    }
}
