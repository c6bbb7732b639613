package org.bip324proxy.metrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.bip324proxy.control.JsonCodec;
import org.bip324proxy.control.SnapshotJson;
import org.bip324proxy.engine.SnapshotSource;
import org.bip324proxy.http.HttpListener;
import org.bip324proxy.http.HttpRequestHead;
import org.bip324proxy.http.HttpResponse;
import org.bip324proxy.log.EventLog;

/**
 * The metrics listener: {@code /metrics} in the Prometheus text format, {@code /api/status} (the
 * document {@code bip324-proxy status --json} prints) and the dashboard page at {@code /}.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpListener http;
    private final SnapshotSource status;
    private final boolean perPeer;
    private final DashboardPage dashboard = new DashboardPage();

    /**
     * Binds {@code address}.
     *
     * @throws IOException with a message naming the address and what to do
     */
    public MetricsServer(InetSocketAddress address, boolean perPeer, HttpListener.Limits limits, SnapshotSource status,
            EventLog log) throws IOException {
        this.status = status;
        this.perPeer = perPeer;
        try {
            http = new HttpListener(address, limits, this::route, log);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + address.getHostString() + ":" + address.getPort() + ": "
                    + e.getMessage() + " (choose another --metrics HOST:PORT)", e);
        }
        log.info("metrics").with("address", address.getHostString() + ":" + port()).with("per_peer", perPeer)
                .with("dashboard", "http://" + address.getHostString() + ":" + port() + "/").log();
    }

    /** The bound port (useful when 0 was asked for). */
    public int port() {
        return http.port();
    }

    private HttpResponse route(HttpRequestHead request) throws Exception {
        return switch (request.path()) {
            case "/metrics" -> new HttpResponse(200, PrometheusText.CONTENT_TYPE,
                    PrometheusText.render(status.snapshot(), perPeer).getBytes(StandardCharsets.UTF_8));
            case "/api/status" -> new HttpResponse(200, "application/json",
                    (JsonCodec.write(SnapshotJson.of(status.snapshot(), top(request))) + "\n").getBytes(StandardCharsets.UTF_8));
            case "/" -> dashboard.response();
            default -> HttpResponse.text(404, "not found: try /, /metrics or /api/status\n");
        };
    }

    /** {@code ?top=N}: only the N busiest connections (the dashboard asks for as many as it shows). */
    private static int top(HttpRequestHead request) {
        try {
            return request.parameter("top").map(Integer::parseInt).filter(n -> n >= 0).orElse(Integer.MAX_VALUE);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
