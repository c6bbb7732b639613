package org.bip324proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bip324proxy.engine.ProxySnapshot;
import org.bip324proxy.http.HttpListener;
import org.bip324proxy.testsupport.InProcessProxy;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Scrapes /metrics of a live proxy and parses the text exposition format line by line. */
@Tag("fast")
class MetricsEndpointTest {
    private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+");
    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge)");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\"\\\\n])*\",?)*)\\})? (-?[0-9]+(?:\\.[0-9]+)?)");
    private static final byte[] NONCE = {8, 7, 6, 5, 4, 3, 2, 1};

    @Test
    void scrapedMetricsMatchTheSnapshot() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                InProcessProxy proxy = new InProcessProxy();
                MetricsServer metrics = new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        false, HttpListener.Limits.DEFAULT, proxy::snapshot, proxy.log());
                V1TestClient client = proxy.connectAndPing(peer,
                        V1TestClient.versionPayload(peer.address(), "/metrics-test:1.0/"), NONCE)) {
            HttpResponse<String> response = get(metrics.port());
            assertEquals(200, response.statusCode());
            assertEquals(PrometheusText.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElse(""));
            Map<String, Double> samples = parse(response.body());
            ProxySnapshot s = proxy.snapshot();
            assertEquals(1.0, samples.get("bip324_proxy_connections_open{transport=\"v2\"}"));
            assertEquals(1.0, samples.get("bip324_proxy_handshakes_total"));
            assertEquals((double) s.total().v1BytesIn(), samples.get("bip324_proxy_bytes_total{side=\"v1\",direction=\"in\"}"));
            assertEquals((double) s.total().v2BytesOut(), samples.get("bip324_proxy_bytes_total{side=\"v2\",direction=\"out\"}"));
            assertEquals(1.0, samples.get("bip324_proxy_messages_total{direction=\"to_peer\",command=\"ping\"}"));
            assertEquals(1.0, samples.get("bip324_proxy_messages_total{direction=\"to_client\",command=\"pong\"}"));
            assertEquals((double) s.total().framingSaving(), samples.get("bip324_proxy_framing_saving_bytes"));
            assertFalse(response.body().contains(peer.sessionIds().get(0)), "no per-peer labels unless asked for");
        }
    }

    /** connections_closed_total has one sample per cause, and they add up to the closed connections. */
    @Test
    void closedConnectionsAreCountedByCause() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                InProcessProxy proxy = new InProcessProxy();
                MetricsServer metrics = new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        false, HttpListener.Limits.DEFAULT, proxy::snapshot, proxy.log())) {
            try (V1TestClient clean = proxy.connectAndPing(peer,
                    V1TestClient.versionPayload(peer.address(), "/metrics-test:1.0/"), NONCE)) {
                clean.shutdownOutput();
                assertTrue(clean.receive() == null, "the peer's EOF follows the client's");
            }
            try (V1TestClient refused = new V1TestClient(proxy.address(), Network.MAINNET, java.time.Duration.ofSeconds(60))) {
                refused.send("ping", NONCE);
                assertTrue(refused.closedByProxy(), proxy.logText());
            }
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (proxy.snapshot().closed() < 2 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000); // polling a counter, not timing
            }
            Map<String, Double> samples = parse(get(metrics.port()).body());
            assertEquals(Map.of("bip324_proxy_connections_closed_total{cause=\"ok\"}", 1.0,
                    "bip324_proxy_connections_closed_total{cause=\"first_message_refused\"}", 1.0),
                    samples.entrySet().stream().filter(e -> e.getKey().startsWith("bip324_proxy_connections_closed_total"))
                            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
                    proxy.logText());
        }
    }

    @Test
    void perPeerSamplesCarryTheSessionId() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                InProcessProxy proxy = new InProcessProxy();
                MetricsServer metrics = new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        true, HttpListener.Limits.DEFAULT, proxy::snapshot, proxy.log());
                V1TestClient client = proxy.connectAndPing(peer,
                        V1TestClient.versionPayload(peer.address(), "/metrics-test:1.0/"), NONCE)) {
            Map<String, Double> samples = parse(get(metrics.port()).body());
            long in = proxy.snapshot().connections().get(0).traffic().v1BytesIn();
            String key = samples.keySet().stream()
                    .filter(k -> k.startsWith("bip324_proxy_connection_bytes{") && k.contains(peer.sessionIds().get(0))
                            && k.contains("side=\"v1\",direction=\"in\""))
                    .findFirst().orElseThrow(() -> new AssertionError("no per-peer sample with the session id"));
            assertEquals((double) in, samples.get(key));
        }
    }

    @Test
    void labelValuesAreEscaped() {
        assertEquals("{a=\"x\\\\y\\\"z\\nw\"}", PrometheusText.label("a", "x\\y\"z\nw"));
        assertTrue(SAMPLE.matcher("m" + PrometheusText.label("a", "x\\y\"z\nw") + " 1").matches());
    }

    private static HttpResponse<String> get(int port) throws Exception {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Checks every line's syntax and that each sample's family was declared; returns samples by name+labels. */
    private static Map<String, Double> parse(String body) {
        assertTrue(body.endsWith("\n"), "the exposition ends with a newline");
        Set<String> typed = new HashSet<>();
        Set<String> helped = new HashSet<>();
        Map<String, Double> samples = new HashMap<>();
        for (String line : body.split("\n")) {
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                assertTrue(helped.add(m.group(1)), "one HELP per family: " + line);
            } else if ((m = TYPE.matcher(line)).matches()) {
                assertTrue(helped.contains(m.group(1)), "HELP before TYPE: " + line);
                assertTrue(typed.add(m.group(1)), "one TYPE per family: " + line);
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                assertTrue(typed.contains(m.group(1)), "sample of an undeclared family: " + line);
                String key = m.group(1) + (m.group(2) == null ? "" : m.group(2));
                assertFalse(samples.containsKey(key), "duplicate sample: " + line);
                samples.put(key, Double.parseDouble(m.group(4)));
            } else {
                throw new AssertionError("not a valid exposition line: '" + line + "'");
            }
        }
        return samples;
    }
}
