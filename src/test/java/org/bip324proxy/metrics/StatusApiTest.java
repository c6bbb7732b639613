package org.bip324proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bip324proxy.control.ControlServer;
import org.bip324proxy.control.JsonCodec;
import org.bip324proxy.engine.ConnectionSnapshot;
import org.bip324proxy.engine.ProxySnapshot;
import org.bip324proxy.relay.TrafficStats;
import org.bip324proxy.relay.V1FallbackPolicy;
import org.bip324proxy.http.HttpListener;
import org.bip324proxy.os.PeerAccess;
import org.bip324proxy.testsupport.InProcessProxy;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code /api/status} is the document {@code bip324-proxy status --json} prints; the page has a strict CSP. */
@Tag("fast")
class StatusApiTest {
    private static final byte[] NONCE = {1, 1, 2, 3, 5, 8, 13, 21};

    @Test
    void theJsonEndpointAndStatusJsonAgree() throws Exception {
        Path socket = Files.createTempDirectory("b324t-api").resolve("control.sock");
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                InProcessProxy proxy = new InProcessProxy();
                ControlServer control = new ControlServer(socket, Optional.empty(),
                        PeerAccess.forThisProcess(Optional.empty()), proxy::snapshot, proxy.log());
                MetricsServer metrics = new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false,
                        HttpListener.Limits.DEFAULT, proxy::snapshot, proxy.log());
                V1TestClient client = proxy.connectAndPing(peer, V1TestClient.versionPayload(peer.address(), "/api:1.0/"), NONCE)) {
            control.start();
            HttpResponse<String> api = get(metrics.port(), "/api/status");
            assertEquals("application/json", api.headers().firstValue("Content-Type").orElse(""));
            StringWriter out = new StringWriter();
            CommandLine cl = new CommandLine(new org.bip324proxy.cli.Main());
            cl.setOut(new PrintWriter(out, true));
            assertEquals(0, cl.execute("status", "--json", "--control-socket", socket.toString()));
            Map<String, Object> fromApi = withoutClocks(JsonCodec.parse(api.body()));
            Map<String, Object> fromStatus = withoutClocks(JsonCodec.parse(out.toString().strip()));
            assertEquals(fromStatus, fromApi);
            assertEquals(peer.sessionIds().get(0), connections(fromApi).get(0).get("session_id"));
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socket.getParent());
        }
    }

    @Test
    void thePageAllowsOnlyItsOwnScript() throws Exception {
        try (InProcessProxy proxy = new InProcessProxy();
                MetricsServer metrics = new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false,
                        HttpListener.Limits.DEFAULT, proxy::snapshot, proxy.log())) {
            HttpResponse<String> page = get(metrics.port(), "/");
            assertEquals(200, page.statusCode());
            assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
            String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.startsWith("default-src 'none'; script-src 'sha256-") && csp.contains("connect-src 'self'"), csp);
            assertTrue(!page.body().contains("innerHTML") && !page.body().contains("http://") && !page.body().contains("https://"),
                    "no markup from data, no external assets");
            assertEquals(404, get(metrics.port(), "/favicon.ico").statusCode());
        }
    }

    @Test
    void topKeepsOnlyTheBusiestConnectionsButCountsThemAll() throws Exception {
        List<ConnectionSnapshot> three = List.of(connection(1, 10), connection(2, 5000), connection(3, 70));
        ProxySnapshot s = new ProxySnapshot(1, List.of(), three, TrafficStats.ZERO, 3, java.util.Map.of(), 0, 0, V1FallbackPolicy.Counts.NONE);
        try (InProcessProxy proxy = new InProcessProxy();
                MetricsServer metrics = new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false,
                        HttpListener.Limits.DEFAULT, () -> s, proxy.log())) {
            @SuppressWarnings("unchecked")
            Map<String, Object> top = (Map<String, Object>) JsonCodec.parse(get(metrics.port(), "/api/status?top=2").body());
            assertEquals(3L, top.get("connections_open"));
            assertEquals(List.of(2L, 3L), connections(top).stream().map(c -> c.get("id")).toList());
            @SuppressWarnings("unchecked")
            Map<String, Object> all = (Map<String, Object>) JsonCodec.parse(get(metrics.port(), "/api/status").body());
            assertEquals(3, connections(all).size());
        }
    }

    private static ConnectionSnapshot connection(long id, long bytes) {
        return org.bip324proxy.testsupport.Snapshots.outbound(id, bytes);
    }

    /** uptime and ages move between the two requests; everything else must be equal. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutClocks(Object doc) {
        Map<String, Object> m = (Map<String, Object>) doc;
        m.remove("uptime_ms");
        connections(m).forEach(c -> c.remove("age_ms"));
        return m;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> connections(Map<String, Object> m) {
        return (List<Map<String, Object>>) m.get("connections");
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
