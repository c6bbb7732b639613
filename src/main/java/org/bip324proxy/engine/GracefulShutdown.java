package org.bip324proxy.engine;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.TrafficStats;

/**
 * Stops a {@link ProxyServer} without cutting transfers short: no new connections, live ones
 * may finish for up to the grace time, the rest are then closed (queued bytes flushed), the loops
 * stop and the final totals are logged.
 */
public final class GracefulShutdown {
    private static final long POLL_MILLIS = 50;

    private final ProxyServer server;
    private final EventLog log;

    public GracefulShutdown(ProxyServer server, EventLog log) {
        this.server = server;
        this.log = log;
    }

    /** Runs the shutdown and returns the final snapshot. */
    public ProxySnapshot run(Duration grace) throws InterruptedException {
        server.stopAccepting();
        log.info("stopping").with("open_connections", server.activeConnections())
                .with("grace_ms", grace.toMillis()).log();
        if (!waitForNoConnections(grace)) {
            log.warn("shutdown_grace_expired").with("open_connections", server.activeConnections())
                    .with("action", "closing them").log();
            server.closeAllConnections();
            waitForNoConnections(server.config().closeFlushTimeout().plusSeconds(1));
        }
        server.close();
        ProxySnapshot last;
        try {
            last = server.snapshot(Duration.ZERO);
        } catch (TimeoutException e) {
            throw new IllegalStateException("loops are stopped, a snapshot cannot time out", e);
        }
        logTotals(last);
        return last;
    }

    private boolean waitForNoConnections(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + Nanos.of(limit);
        while (server.activeConnections() > 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    private void logTotals(ProxySnapshot s) {
        TrafficStats t = s.total();
        log.info("stopped").with("uptime_ms", s.uptimeMillis()).with("connections", s.opened())
                .with("v2_handshakes", s.handshakes())
                .withAll(TrafficFields.all(t))
                .with("framing_saving_bytes", t.framingSaving()).log();
    }
}
