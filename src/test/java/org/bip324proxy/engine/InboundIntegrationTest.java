package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.bip324proxy.control.SnapshotJson;
import org.bip324proxy.metrics.PrometheusText;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.testsupport.CloseLine;
import org.bip324proxy.testsupport.HandRolledInitiator;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.ProxyHarness;
import org.bip324proxy.testsupport.V1EchoPeer;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2TestClient;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v2.MessageTypes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inbound mode over loopback sockets: a stock v2 initiator and a v1 peer reach a v1-only node
 * through the proxy's inbound listener, beside its outbound listener in the same engine.
 */
@Tag("fast")
class InboundIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static ProxyHarness proxyInFrontOf(V1EchoPeer node, String listenHost) throws Exception {
        return ProxyHarness.builder()
                .inbound(new InetSocketAddress(InetAddress.getByName(listenHost), 0), node.address(), Network.MAINNET)
                .start();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void v2PeerGetsABip324SessionWithTheV1Node(String listenHost) throws Exception {
        try (V1EchoPeer node = new V1EchoPeer(Network.MAINNET, V1EchoPeer.OnForeignBytes.CLOSE);
                ProxyHarness proxy = proxyInFrontOf(node, listenHost)) {
            String sessionId;
            byte[] version = V1TestClient.versionPayload(node.address(), "/stock-v2:27.0/");
            try (V2TestClient peer = new V2TestClient(proxy.inboundAddress(0), Network.MAINNET.magic(), TIMEOUT)) {
                sessionId = peer.sessionId();
                peer.send(HandRolledInitiator.longFormContents("version", version));
                byte[] advertised = version.clone();
                advertised[5] |= 0x08; // NODE_P2P_V2 (bit 11) in the services of the node's VERSION (--advertise-v2)
                assertArrayEquals(HandRolledInitiator.longFormContents("version", advertised), peer.receive(),
                        "the node's echo of our VERSION, byte-exact but for the advertised service bit");
                byte[] block = new byte[1_500_000];
                new Random(7).nextBytes(block);
                byte[] blockContents = HandRolledInitiator.contents(MessageTypes.shortId("block"), block);
                peer.send(blockContents);
                assertArrayEquals(blockContents, peer.receive());
                byte[] nonce = {1, 2, 3, 4, 5, 6, 7, 8};
                peer.send(HandRolledInitiator.contents(MessageTypes.shortId("ping"), nonce));
                assertArrayEquals(HandRolledInitiator.contents(MessageTypes.shortId("pong"), nonce), peer.receive());
            }
            assertEquals(1, node.v1Connections());
            assertEquals(0, node.foreignConnections(), "the node never sees BIP324 bytes");
            LogLine v2 = proxy.awaitEvent("v2", 1, TIMEOUT);
            v2.assertField("session_id", sessionId);
            LogLine close = proxy.awaitClose(1);
            close.assertField("direction", "inbound");
            close.assertField("transport", "v2");
            close.assertField("session_id", sessionId);
            close.assertField("via", "configured");
        }
    }

    @Test
    void v1PeerStillReachesTheNodeUntouched() throws Exception {
        try (V1EchoPeer node = new V1EchoPeer(Network.MAINNET, V1EchoPeer.OnForeignBytes.CLOSE);
                ProxyHarness proxy = proxyInFrontOf(node, "127.0.0.1")) {
            try (V1TestClient peer = new V1TestClient(proxy.inboundAddress(0), Network.MAINNET, TIMEOUT)) {
                // the first 16 bytes one at a time, as a slow v1 peer would send them
                byte[] version = V1TestClient.versionPayload(node.address(), "/v1-peer:0.20/");
                byte[] frame = new org.bip324proxy.v1.V1FrameEncoder(Network.MAINNET).frame("version", version);
                for (int i = 0; i < 16; i++) {
                    peer.writeRaw(new byte[] {frame[i]});
                }
                peer.writeRaw(Arrays.copyOfRange(frame, 16, frame.length));
                V1Message echoed = peer.receive();
                assertEquals("version", echoed.command());
                assertArrayEquals(version, echoed.copyPayload());
                peer.send("ping", new byte[] {9, 9, 9, 9, 9, 9, 9, 9});
                assertEquals("pong", peer.receive().command());
            }
            LogLine close = proxy.awaitClose(1);
            close.assertField("direction", "inbound");
            close.assertField("transport", "passthrough");
            assertEquals(1, node.v1Connections());
        }
    }

    @Test
    void inboundAndOutboundConnectionsShowTheirDirectionInTheSnapshot() throws Exception {
        try (V1EchoPeer node = new V1EchoPeer(Network.MAINNET, V1EchoPeer.OnForeignBytes.CLOSE);
                ProxyHarness proxy = proxyInFrontOf(node, "127.0.0.1");
                V2TestClient peer = new V2TestClient(proxy.inboundAddress(0), Network.MAINNET.magic(), TIMEOUT)) {
            proxy.awaitEvent("v2", 1, TIMEOUT);
            ProxySnapshot s = proxy.server().snapshot(TIMEOUT);
            assertEquals(1, s.connections().size());
            ConnectionSnapshot c = s.connections().get(0);
            assertEquals(RelaySession.Direction.INBOUND, c.direction());
            assertEquals(Optional.of(peer.sessionId()), c.sessionId());
            assertEquals(Optional.of(new Destination(node.address(), Destination.Source.CONFIGURED)), c.destination());
            Map<String, Object> json = SnapshotJson.of(s);
            assertEquals("inbound", ((Map<?, ?>) ((List<?>) json.get("connections")).get(0)).get("direction"));
            String metrics = PrometheusText.render(s, false);
            assertTrue(metrics.contains("bip324_proxy_connections_open_by_direction{direction=\"inbound\"} 1\n"), metrics);
            assertTrue(metrics.contains("bip324_proxy_connections_open_by_direction{direction=\"outbound\"} 0\n"), metrics);
        }
    }

    @Test
    void unreachableNodeClosesTheStrangerWithTheReasonLogged() throws Exception {
        InetSocketAddress nobody;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = (InetSocketAddress) s.getLocalSocketAddress();
        }
        try (ProxyHarness proxy = ProxyHarness.builder()
                .inbound(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), nobody, Network.MAINNET).start();
                V1TestClient peer = new V1TestClient(proxy.inboundAddress(0), Network.MAINNET, TIMEOUT)) {
            peer.send("version", V1TestClient.versionPayload(nobody, "/v1/"));
            assertTrue(peer.closedByProxy());
            LogLine close = proxy.awaitClose(1);
            CloseLine.assertCause("connect_failed", close);
        }
    }

    /** Strangers take slots of --max-connections-per-source like local clients (loopback: one uid). */
    @Test
    void strangersCountAgainstThePerSourceCap() throws Exception {
        try (V1EchoPeer node = new V1EchoPeer(Network.MAINNET, V1EchoPeer.OnForeignBytes.CLOSE);
                ProxyHarness proxy = ProxyHarness.builder().maxConnectionsPerSource(1)
                        .inbound(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), node.address(), Network.MAINNET)
                        .start();
                V2TestClient first = new V2TestClient(proxy.inboundAddress(0), Network.MAINNET.magic(), TIMEOUT);
                V1TestClient second = new V1TestClient(proxy.inboundAddress(0), Network.MAINNET, TIMEOUT)) {
            assertTrue(second.closedByProxy(), proxy.log());
            LogLine reject = proxy.awaitEvent("reject", 2, TIMEOUT);
            reject.assertField("rule", "max-connections-per-source");
            assertEquals(1, proxy.server().activeConnections());
            first.send(HandRolledInitiator.contents(MessageTypes.shortId("ping"), new byte[8]));
            assertArrayEquals(HandRolledInitiator.contents(MessageTypes.shortId("pong"), new byte[8]), first.receive());
        }
    }

    /** A stranger that sends nothing is closed by --first-message-timeout, the node never dialled. */
    @Test
    void silentStrangerIsClosedAtTheFirstMessageTimeout() throws Exception {
        try (V1EchoPeer node = new V1EchoPeer(Network.MAINNET, V1EchoPeer.OnForeignBytes.CLOSE);
                ProxyHarness proxy = ProxyHarness.builder().firstMessageTimeout(Duration.ofMillis(300))
                        .inbound(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), node.address(), Network.MAINNET)
                        .start();
                V1TestClient silent = new V1TestClient(proxy.inboundAddress(0), Network.MAINNET, TIMEOUT)) {
            assertTrue(silent.closedByProxy(), proxy.log());
            LogLine close = proxy.awaitClose(1);
            CloseLine.assertCause("timeout_first_message", close);
            assertEquals(0, node.v1Connections() + node.foreignConnections());
        }
    }

    /**
     * What a stranger makes the proxy hold (here its garbage while no terminator came) counts
     * against the memory budget, and is given back when it closes.
     */
    @Test
    void strangersPendingBytesCountAsHeldMemory() throws Exception {
        try (V1EchoPeer node = new V1EchoPeer(Network.MAINNET, V1EchoPeer.OnForeignBytes.CLOSE);
                ProxyHarness proxy = proxyInFrontOf(node, "127.0.0.1")) {
            try (V1TestClient stranger = new V1TestClient(proxy.inboundAddress(0), Network.MAINNET, TIMEOUT)) {
                byte[] keyAndGarbage = new byte[64 + 3000];
                new Random(3).nextBytes(keyAndGarbage);
                keyAndGarbage[0] = 0x00; // not the mainnet magic: a v2 key
                stranger.writeRaw(keyAndGarbage);
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (proxy.server().heldBytes() < 3000) {
                    assertTrue(System.nanoTime() < deadline, "held " + proxy.server().heldBytes() + "; log:\n" + proxy.log());
                    java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
                }
            }
            proxy.awaitClose(1);
            assertEquals(0, proxy.server().heldBytes());
        }
    }
}
