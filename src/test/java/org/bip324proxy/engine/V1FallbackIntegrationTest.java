package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.bip324proxy.relay.KnownV2Peers;
import org.bip324proxy.relay.V1FallbackPolicy;
import org.bip324proxy.testsupport.Cleanup;
import org.bip324proxy.testsupport.CloseLine;
import org.bip324proxy.testsupport.EchoExchange;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.NetNs;
import org.bip324proxy.testsupport.ProxyHarness;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.bip324proxy.testsupport.ThreadPerConnectionServer;
import org.bip324proxy.testsupport.V1EchoPeer;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * --v1-fallback against v1-only peers (the two ways they react to a BIP324 key), and against a
 * destination known to speak v2 that suddenly answers like a v1 node (a downgrade). The fallback
 * is only for redirected destinations, so the fallback tests run the proxy, the peer and a NAT
 * rule in a test namespace.
 */
class V1FallbackIntegrationTest {
    private static final InetAddress CLIENT_SOURCE = address("127.0.0.2");

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();

    @Tag("system")
    @Test
    void peerClosingOnTheKeyIsReconnectedAsPlainV1() throws Exception {
        assertFallsBack(V1EchoPeer.OnForeignBytes.CLOSE, "during the BIP324 handshake"); // closed or reset
    }

    @Tag("system")
    @Test
    void silentPeerIsReconnectedAsPlainV1AfterTheHandshakeTimeout() throws Exception {
        assertFallsBack(V1EchoPeer.OnForeignBytes.STAY_SILENT, "peer did not answer the BIP324 handshake in time");
    }

    @Tag("fast")
    @Test
    void aDestinationNamedByTheClientGetsNoPlaintextFallback() throws Exception {
        try (V1EchoPeer peer = new V1EchoPeer(Network.REGTEST, V1EchoPeer.OnForeignBytes.CLOSE);
                ProxyHarness proxy = ProxyHarness.builder()
                        .v1Fallback(new V1FallbackPolicy(V1FallbackPolicy.Mode.ALWAYS, new KnownV2Peers(100))).start();
                V1TestClient client = new V1TestClient(proxy.address(), Network.REGTEST, Duration.ofSeconds(60))) {
            client.send("version", V1TestClient.versionPayload(peer.address(), "/integ:1.0/"));
            assertTrue(client.closedByProxy(), proxy.log());
            LogLine close = proxy.awaitClose(1);
            close.assertField("rule", "v1-fallback-redirected-only");
            CloseLine.assertCause("closed_in_handshake", close);
            assertEquals(1, peer.foreignConnections(), "the BIP324 attempt");
            assertEquals(0, peer.v1Connections(), "no plaintext reconnection");
        }
    }

    @Tag("fast")
    @Test
    void requireV2RefusesTheFallbackWithTheReason() throws Exception {
        try (V1EchoPeer peer = new V1EchoPeer(Network.REGTEST, V1EchoPeer.OnForeignBytes.CLOSE);
                ProxyHarness proxy = ProxyHarness.builder().start();
                V1TestClient client = new V1TestClient(proxy.address(), Network.REGTEST, Duration.ofSeconds(60))) {
            client.send("version", V1TestClient.versionPayload(peer.address(), "/integ:1.0/"));
            assertTrue(client.closedByProxy(), proxy.log());
            LogLine close = proxy.awaitClose(1);
            CloseLine.assertCause("closed_in_handshake", close);
            proxy.awaitEvent("downgrade_refused", 1, Duration.ofSeconds(30)).assertField("reason", "require_v2");
            assertEquals(0, peer.v1Connections());
        }
    }

    @Tag("fast")
    @Test
    void aPeerThatCompletedAHandshakeAndThenAnswersLikeAV1NodeIsRefused() throws Exception {
        V1FallbackPolicy policy = new V1FallbackPolicy(V1FallbackPolicy.Mode.PREFER_V2, new KnownV2Peers(100));
        try (V2EchoPeer v2 = new V2EchoPeer(V2EchoPeer.Options.of(Network.REGTEST.magic()));
                OnPath path = new OnPath(v2.address());
                ProxyHarness proxy = ProxyHarness.builder().v1Fallback(policy).handshakeTimeout(Duration.ofSeconds(1)).start()) {
            InetSocketAddress destination = path.address();
            try (V1TestClient client = new V1TestClient(proxy.address(), Network.REGTEST, Duration.ofSeconds(60))) {
                client.send("version", V1TestClient.versionPayload(destination, "/integ:1.0/"));
                assertNotNull(client.receive(), proxy.log());
            }
            proxy.awaitClose(1);
            assertEquals(Optional.of(KnownV2Peers.Evidence.HANDSHAKE), policy.known().evidence(destination));
            path.dropEverything = true; // from now on the destination answers the BIP324 key like a v1 node
            try (V1TestClient client = new V1TestClient(proxy.address(), Network.REGTEST, Duration.ofSeconds(60))) {
                client.send("version", V1TestClient.versionPayload(destination, "/integ:1.0/"));
                assertTrue(client.closedByProxy(), proxy.log());
                LogLine refused = proxy.awaitEvent("downgrade_refused", 2, Duration.ofSeconds(30));
                refused.assertField("reason", "known_v2_handshake");
                CloseLine.assertCause("closed_in_handshake", proxy.awaitClose(2));
            }
            assertEquals(2, path.connections.get(), "no plaintext reconnection");
            assertEquals(Map.of(V1FallbackPolicy.KNOWN_V2_HANDSHAKE, 1L),
                    proxy.server().snapshot(Duration.ofSeconds(30)).fallback().refusals());
        }
    }

    /** An attacker on the path to a v2 peer: relays faithfully, until it drops connections on their first bytes. */
    private static final class OnPath implements AutoCloseable {
        final AtomicInteger connections = new AtomicInteger();
        volatile boolean dropEverything;
        private final InetSocketAddress peer;
        private final ThreadPerConnectionServer server;

        OnPath(InetSocketAddress peer) throws IOException {
            this.peer = peer;
            server = ThreadPerConnectionServer.onLoopback("on-path", this::serve);
        }

        InetSocketAddress address() {
            return server.address();
        }

        private void serve(Socket from) {
            connections.incrementAndGet();
            try (from) {
                if (dropEverything) {
                    from.getInputStream().read(); // like a v1 node: the key is not a v1 header, hang up
                    return;
                }
                try (Socket to = new Socket(peer.getAddress(), peer.getPort())) {
                    Thread back = new Thread(() -> copy(to, from), "on-path-back");
                    back.setDaemon(true);
                    back.start();
                    copy(from, to);
                    back.join();
                }
            } catch (IOException | InterruptedException e) {
                // the proxy closed: done
            }
        }

        private static void copy(Socket in, Socket out) {
            try {
                in.getInputStream().transferTo(out.getOutputStream());
                out.shutdownOutput();
            } catch (IOException e) {
                // either side closed
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private void assertFallsBack(V1EchoPeer.OnForeignBytes behaviour, String reason) throws Exception {
        SystemTestSupport.requireRootNetworking("nft");
        NetNs ns = cleanup.keep(NetNs.create());
        V1EchoPeer peer = cleanup.keep(ns.call(() -> new V1EchoPeer(Network.REGTEST, behaviour)));
        ProxyHarness proxy = cleanup.keep(ns.call(() -> ProxyHarness.builder().allowDestinations()
                .v1Fallback(new V1FallbackPolicy(V1FallbackPolicy.Mode.PREFER_V2, new KnownV2Peers(100)))
                .handshakeTimeout(Duration.ofSeconds(1)).start()));
        // Only this test's client (from 127.0.0.2) is redirected, so the proxy's own connection to the peer is not.
        ns.run("table ip b324fallback {\n"
                + "  chain output {\n"
                + "    type nat hook output priority -100; policy accept;\n"
                + "    ip saddr " + CLIENT_SOURCE.getHostAddress() + " tcp dport " + peer.address().getPort()
                + " dnat to " + proxy.address().getAddress().getHostAddress() + ":" + proxy.address().getPort() + "\n"
                + "  }\n"
                + "}\n", Duration.ofSeconds(30), "nft", "-f", "-").check();
        try (V1TestClient client = ns.call(() -> new V1TestClient(peer.address(), CLIENT_SOURCE, Network.REGTEST,
                Duration.ofSeconds(60)))) {
            byte[] version = V1TestClient.versionPayload(null, "/integ:1.0/");
            client.send("version", version);
            V1Message echoed = client.receive();
            assertNotNull(echoed, proxy.log());
            assertArrayEquals(version, echoed.copyPayload());
            List<V1Message> messages = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                messages.add(V1Message.of(i % 10 == 0 ? "ping" : "inv", new byte[] {(byte) i, 2, 3, 4, 5, 6, 7, 8}));
            }
            EchoExchange.run(client, messages, proxy::log);
        }
        LogLine warning = proxy.awaitEvent("v1_fallback", 1, Duration.ofSeconds(30));
        warning.assertFieldMentions("reason", reason).assertField("note", "this connection is NOT encrypted");
        LogLine close = proxy.awaitClose(1);
        close.assertField("transport", "v1_fallback").assertField("via", "so_original_dst");
        assertEquals(1, peer.foreignConnections(), "the BIP324 attempt");
        assertEquals(1, peer.v1Connections(), "the v1 reconnection");
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
