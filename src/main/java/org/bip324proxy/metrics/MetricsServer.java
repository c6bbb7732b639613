package org.bip324proxy.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.bip324proxy.engine.SnapshotSource;
import org.bip324proxy.log.EventLog;

/** Serves {@code GET /metrics} in the Prometheus text format (JDK HTTP server, one thread). */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer http;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bip324-metrics");
        t.setDaemon(true);
        return t;
    });
    private final SnapshotSource status;
    private final boolean perPeer;

    /**
     * Binds {@code address}.
     *
     * @throws IOException with a message naming the address and what to do
     */
    public MetricsServer(InetSocketAddress address, boolean perPeer, SnapshotSource status, EventLog log)
            throws IOException {
        this.status = status;
        this.perPeer = perPeer;
        try {
            http = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + address.getHostString() + ":" + address.getPort() + ": "
                    + e.getMessage() + " (choose another --metrics HOST:PORT)", e);
        }
        http.createContext("/metrics", this::handle);
        http.setExecutor(executor);
        http.start();
        log.info("metrics").with("address", address.getHostString() + ":" + port()).with("per_peer", perPeer).log();
    }

    /** The bound port (useful when 0 was asked for). */
    public int port() {
        return http.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body;
            int code = 200;
            try {
                body = PrometheusText.render(status.snapshot(), perPeer).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", PrometheusText.CONTENT_TYPE);
            } catch (Exception e) {
                code = 503;
                body = ("the proxy could not collect its statistics: " + e + "\n").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            }
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(code, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdown();
    }
}
