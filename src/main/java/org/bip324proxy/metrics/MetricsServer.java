package org.bip324proxy.metrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.bip324proxy.engine.SnapshotSource;
import org.bip324proxy.http.HttpListener;
import org.bip324proxy.http.HttpRequestHead;
import org.bip324proxy.http.HttpResponse;
import org.bip324proxy.log.EventLog;

/** Serves {@code GET /metrics} in the Prometheus text format over an {@link HttpListener}. */
public final class MetricsServer implements AutoCloseable {
    private final HttpListener http;
    private final SnapshotSource status;
    private final boolean perPeer;

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
        log.info("metrics").with("address", address.getHostString() + ":" + port()).with("per_peer", perPeer).log();
    }

    /** The bound port (useful when 0 was asked for). */
    public int port() {
        return http.port();
    }

    private HttpResponse route(HttpRequestHead request) throws Exception {
        if (request.path().equals("/metrics")) {
            return new HttpResponse(200, PrometheusText.CONTENT_TYPE,
                    PrometheusText.render(status.snapshot(), perPeer).getBytes(StandardCharsets.UTF_8));
        }
        return HttpResponse.text(404, "not found: try /metrics\n");
    }

    @Override
    public void close() {
        http.close();
    }
}
