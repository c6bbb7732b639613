package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.socks5.Socks5Exception;
import org.bip324proxy.socks5.Socks5Reply;
import org.bip324proxy.socks5.Socks5Server;
import org.bip324proxy.socks5.Socks5Users;
import org.bip324proxy.testsupport.CloseLine;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.ProxyHarness;
import org.bip324proxy.testsupport.RecordingSocks5Proxy;
import org.bip324proxy.testsupport.Socks5TestClient;
import org.bip324proxy.testsupport.ThreadPerConnectionServer;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The proxy's own connections to peers through an upstream SOCKS5 proxy (a recording stand-in for
 * Tor on loopback): names are passed on unresolved, every connection has its own credentials.
 */
@Tag("fast")
class UpstreamSocks5IntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String ONION = "peerpeerpeerpeer.onion";

    @Test
    void onionFromASocks5ClientGoesThroughTheUpstreamUnresolved() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                RecordingSocks5Proxy tor = new RecordingSocks5Proxy(Map.of(ONION, peer.address()));
                ProxyHarness proxy = ProxyHarness.builder().socks5(config(tor, Socks5Config.Upstream.Scope.ONION)).start()) {
            InetSocketAddress onion = InetSocketAddress.createUnresolved(ONION, 8333);
            Socket s = Socks5TestClient.connect(proxy.socks5Address(), onion, Optional.empty(), TIMEOUT);
            try (V1TestClient client = new V1TestClient(s, Network.MAINNET, TIMEOUT)) {
                client.send("version", V1TestClient.versionPayload(null, "/onion-client/"));
                assertEquals("version", client.receive().command());
                String hop = org.bip324proxy.relay.Endpoints.format(tor.address());
                ProxySnapshot snapshot = proxy.server().snapshot(TIMEOUT);
                ConnectionSnapshot c = snapshot.connections().get(0);
                assertEquals(Optional.of(new Destination(onion, Destination.Source.SOCKS5)), c.destination());
                assertEquals(Optional.of(tor.address()), c.upstream());
                Object json = ((List<?>) org.bip324proxy.control.SnapshotJson.of(snapshot).get("connections")).get(0);
                assertEquals(hop, ((Map<?, ?>) json).get("upstream"), "status --json");
                String metrics = org.bip324proxy.metrics.PrometheusText.render(snapshot, false);
                assertTrue(metrics.contains("bip324_proxy_connections_open_by_source{source=\"socks5\"} 1"), metrics);
                assertTrue(metrics.contains("bip324_proxy_connections_open_through_upstream 1"), metrics);
            }
            LogLine close = proxy.awaitClose(1);
            close.assertField("dest", ONION + ":8333").assertField("via", "socks5");
            close.assertField("upstream", tor.address().getAddress().getHostAddress() + ":" + tor.address().getPort());
            close.assertField("session_id", peer.sessionIds().get(0));
            RecordingSocks5Proxy.Request r = tor.requests().get(0);
            assertTrue(r.target().isUnresolved(), "the name is resolved by the upstream proxy, not locally");
            assertEquals(ONION, r.target().getHostString());
        }
    }

    @Test
    void everyConnectionGetsItsOwnCredentials() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                RecordingSocks5Proxy tor = new RecordingSocks5Proxy(Map.of());
                ProxyHarness proxy = ProxyHarness.builder().socks5(config(tor, Socks5Config.Upstream.Scope.ALL)).start()) {
            for (int i = 0; i < 3; i++) {
                // redirect-listener clients (addr_recv here) go upstream too with --upstream-for all
                try (V1TestClient client = new V1TestClient(proxy.address(), Network.MAINNET, TIMEOUT)) {
                    client.send("version", V1TestClient.versionPayload(peer.address(), "/integ:1.0/"));
                    assertEquals("version", client.receive().command());
                }
            }
            List<RecordingSocks5Proxy.Request> requests = tor.requests();
            assertEquals(3, requests.size());
            assertEquals(3, requests.stream().map(RecordingSocks5Proxy.Request::username).distinct().count(), requests.toString());
            for (RecordingSocks5Proxy.Request r : requests) {
                assertEquals(peer.address(), r.target());
                assertTrue(r.username().matches("[0-9a-f]{24}"), r.username());
            }
            assertEquals(3, peer.sessionIds().size());
        }
    }

    @Test
    void onlyOnionGoesUpstreamWithUpstreamForOnion() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                RecordingSocks5Proxy tor = new RecordingSocks5Proxy(Map.of());
                ProxyHarness proxy = ProxyHarness.builder().socks5(config(tor, Socks5Config.Upstream.Scope.ONION)).start()) {
            Socket s = Socks5TestClient.connect(proxy.socks5Address(), peer.address(), Optional.empty(), TIMEOUT);
            try (V1TestClient client = new V1TestClient(s, Network.MAINNET, TIMEOUT)) {
                client.send("version", V1TestClient.versionPayload(null, "/direct/"));
                assertEquals("version", client.receive().command());
            }
            assertEquals(List.of(), tor.requests());
            proxy.awaitClose(1).assertNoField("upstream");
        }
    }

    @Test
    void upstreamRefusalIsRelayedWithItsCode() throws Exception {
        try (RecordingSocks5Proxy tor = new RecordingSocks5Proxy(Map.of());
                ProxyHarness proxy = ProxyHarness.builder().socks5(config(tor, Socks5Config.Upstream.Scope.ALL)).start()) {
            Socks5Exception e = assertThrows(Socks5Exception.class, () -> Socks5TestClient.connect(proxy.socks5Address(),
                    InetSocketAddress.createUnresolved("unknown.onion", 8333), Optional.empty(), TIMEOUT));
            assertEquals(Optional.of(Socks5Reply.HOST_UNREACHABLE), e.reply());
            LogLine close = proxy.awaitClose(1);
            CloseLine.assertCause("connect_failed", close);
            close.assertFieldMentions("reason", "upstream SOCKS5 proxy").assertFieldMentions("reason", "host unreachable");
        }
    }

    @Test
    void upstreamNotRunningIsAGeneralFailure() throws Exception {
        InetSocketAddress closed;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = (InetSocketAddress) ss.getLocalSocketAddress();
        }
        Socks5Config config = new Socks5Config(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), Socks5Users.ANYONE,
                Socks5Config.DEFAULT_GREETING_TIMEOUT, Optional.of(new Socks5Config.Upstream(closed, Socks5Config.Upstream.Scope.ALL)));
        try (ProxyHarness proxy = ProxyHarness.builder().socks5(config).start()) {
            Socks5Exception e = assertThrows(Socks5Exception.class, () -> Socks5TestClient.connect(proxy.socks5Address(),
                    InetSocketAddress.createUnresolved(ONION, 8333), Optional.empty(), TIMEOUT));
            assertEquals(Optional.of(Socks5Reply.GENERAL_FAILURE), e.reply(), "the target was never tried");
            LogLine close = proxy.awaitClose(1);
            CloseLine.assertCause("connect_failed", close);
            close.assertFieldMentions("reason", "upstream SOCKS5 proxy 127.0.0.1:" + closed.getPort() + ": Connection refused");
            close.assertField("upstream", "127.0.0.1:" + closed.getPort());
        }
    }

    @Test
    void bytesTheUpstreamSendsWithItsReplyReachTheClient() throws Exception {
        // An upstream that writes its reply and the target's first bytes in one write, then echoes.
        try (ThreadPerConnectionServer upstream = ThreadPerConnectionServer.onLoopback("eager-upstream", s -> {
                    try (s) {
                        Socks5Server handshake = new Socks5Server(Socks5Users.ANYONE);
                        java.io.InputStream in = s.getInputStream();
                        int b;
                        while ((b = in.read()) >= 0) {
                            boolean complete = handshake.receive(ByteBuffer.wrap(new byte[] {(byte) b}));
                            s.getOutputStream().write(handshake.takeOutput());
                            if (complete) {
                                byte[] reply = handshake.reply(Socks5Reply.SUCCEEDED, Socks5Server.UNSPECIFIED);
                                s.getOutputStream().write(ByteBuffer.allocate(reply.length + 6).put(reply)
                                        .put("banner".getBytes(StandardCharsets.US_ASCII)).array());
                                in.transferTo(s.getOutputStream());
                            }
                        }
                    } catch (java.io.IOException | Socks5Exception e) {
                        // the test sees it on its own socket
                    }
                });
                ProxyHarness proxy = ProxyHarness.builder().socks5(new Socks5Config(List.of(new InetSocketAddress(
                        InetAddress.getLoopbackAddress(), 0)), Socks5Users.ANYONE, Socks5Config.DEFAULT_GREETING_TIMEOUT,
                        Optional.of(new Socks5Config.Upstream(upstream.address(), Socks5Config.Upstream.Scope.ALL)))).start();
                Socket s = Socks5TestClient.connect(proxy.socks5Address(), InetSocketAddress.createUnresolved(ONION, 25),
                        Optional.empty(), TIMEOUT)) {
            String hello = "hello\r\n"; // a line break where a v1 command would be: not v1, passed through
            s.getOutputStream().write(hello.getBytes(StandardCharsets.US_ASCII));
            assertEquals("banner" + hello, new String(s.getInputStream().readNBytes(6 + hello.length()), StandardCharsets.US_ASCII),
                    proxy.log());
        }
    }

    private static Socks5Config config(RecordingSocks5Proxy upstream, Socks5Config.Upstream.Scope scope) {
        return new Socks5Config(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), Socks5Users.ANYONE,
                Socks5Config.DEFAULT_GREETING_TIMEOUT, Optional.of(new Socks5Config.Upstream(upstream.address(), scope)));
    }
}
