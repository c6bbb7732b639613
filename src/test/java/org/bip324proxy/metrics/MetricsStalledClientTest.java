package org.bip324proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.bip324proxy.control.JsonCodec;
import org.bip324proxy.engine.ConnectionSnapshot;
import org.bip324proxy.engine.ProxySnapshot;
import org.bip324proxy.http.HttpListener;
import org.bip324proxy.relay.TrafficStats;
import org.bip324proxy.relay.V1FallbackPolicy;
import org.bip324proxy.testsupport.InProcessProxy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, fault 6: a client that sends half a request must not block /metrics (the JDK server
 * with one thread and no request timeout served nobody else while it waited).
 */
@Tag("fast")
class MetricsStalledClientTest {
    private static final byte[] HALF_REQUEST = "GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Generous: the machine is shared; a blocked scrape waits for as long as the stalled client wants. */
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void aStalledClientDoesNotBlockAConcurrentScrape() throws Exception {
        try (InProcessProxy proxy = new InProcessProxy();
                MetricsServer metrics = serve(proxy, new HttpListener.Limits(Duration.ofMinutes(5), 4));
                Socket stalled = stall(metrics.port())) {
            assertEquals(200, scrape(metrics.port()).statusCode());
        }
    }

    @Test
    void aStalledClientIsCutOffAfterTheRequestTimeout() throws Exception {
        try (InProcessProxy proxy = new InProcessProxy();
                MetricsServer metrics = serve(proxy, new HttpListener.Limits(Duration.ofMillis(300), 4));
                Socket stalled = stall(metrics.port())) {
            stalled.setSoTimeout((int) DEADLINE.toMillis());
            long start = System.nanoTime();
            assertEquals(-1, stalled.getInputStream().read(), "closed without an answer");
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(DEADLINE) < 0);
        }
    }

    @Test
    void requestsBeyondTheConcurrencyLimitAreAnswered503AtOnce() throws Exception {
        try (InProcessProxy proxy = new InProcessProxy();
                MetricsServer metrics = serve(proxy, new HttpListener.Limits(Duration.ofMinutes(5), 2));
                Socket first = stall(metrics.port());
                Socket second = stall(metrics.port());
                Socket third = stall(metrics.port())) {
            third.setSoTimeout((int) DEADLINE.toMillis());
            String answer = new String(third.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 503 "), answer);
            assertTrue(answer.endsWith("\r\n\r\nbusy: too many concurrent requests\n"), "the body its Content-Length announces: " + answer);
            first.close();
            second.close();
            // the two slots come back once their clients are gone
            HttpResponse<String> scrape = scrapeUntilServed(metrics.port());
            assertEquals(200, scrape.statusCode());
        }
    }

    @Test
    void aLargeAnswerIsNotCutOffByTheRequestTimeout() throws Exception {
        List<ConnectionSnapshot> many = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ConnectionSnapshot c = org.bip324proxy.testsupport.Snapshots.outbound(i, 0);
            many.add(new ConnectionSnapshot(c.id(), c.direction(), c.client(), c.destination(), c.upstream(), c.network(), c.transport(),
                    c.phase(), Optional.of("ab".repeat(32)), 1, OptionalLong.of(1), c.traffic()));
        }
        ProxySnapshot big = new ProxySnapshot(1, List.of(), many, TrafficStats.ZERO, many.size(), java.util.Map.of(), 0, 0,
                V1FallbackPolicy.Counts.NONE);
        try (InProcessProxy proxy = new InProcessProxy();
                MetricsServer metrics = new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false,
                        new HttpListener.Limits(Duration.ofMillis(300), 4), () -> big, proxy.log())) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metrics.port() + "/api/status")).timeout(DEADLINE).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(r.body().length() > 3_000_000, "a few MB");
            assertEquals(big.connections().size(), ((List<?>) ((java.util.Map<?, ?>) JsonCodec.parse(r.body())).get("connections")).size());
        }
    }

    private static MetricsServer serve(InProcessProxy proxy, HttpListener.Limits limits) throws Exception {
        return new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false, limits,
                proxy::snapshot, proxy.log());
    }

    private static Socket stall(int port) throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.getOutputStream().write(HALF_REQUEST);
        s.getOutputStream().flush();
        return s;
    }

    private static HttpResponse<String> scrape(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(DEADLINE).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Closed slots are freed when their worker notices the EOF, a moment after the close. */
    private static HttpResponse<String> scrapeUntilServed(int port) throws Exception {
        long end = System.nanoTime() + DEADLINE.toNanos();
        HttpResponse<String> r = scrape(port);
        while (r.statusCode() == 503 && System.nanoTime() < end) {
            Thread.onSpinWait();
            r = scrape(port);
        }
        return r;
    }
}
