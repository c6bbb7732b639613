package org.bip324proxy.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.bip324proxy.control.ControlServer;
import org.bip324proxy.control.ControlSocketPath;
import org.bip324proxy.engine.SnapshotSource;
import org.bip324proxy.http.HttpListener;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.metrics.MetricsServer;
import org.bip324proxy.os.NativeUnavailableException;
import org.bip324proxy.os.PeerAccess;
import org.bip324proxy.os.ProcessIdentity;
import picocli.CommandLine.Option;

/** Options of the proxy's windows to the outside: control socket, metrics, shutdown drain time. */
final class ObservabilityOptions {
    static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(5);

    @Option(names = "--control-socket", paramLabel = "PATH",
            description = "Unix socket for 'bip324-proxy status' (mode 0660), in a directory owned by the proxy's user "
                    + "that others may not write to (created 0700 if missing). A second proxy on the host needs its own. "
                    + "Default: $RUNTIME_DIRECTORY/control.sock if set (systemd), else /run/bip324-proxy/control.sock for "
                    + "root and for the owner of /run/bip324-proxy (the service user), else "
                    + "$XDG_RUNTIME_DIR/bip324-proxy/control.sock (/tmp/bip324-proxy-UID/control.sock without it).")
    Path controlSocket;

    @Option(names = "--no-control-socket", defaultValue = "false",
            description = "Do not open a control socket. Default: false (the control socket is open).")
    boolean noControlSocket;

    @Option(names = "--control-group", paramLabel = "GROUP",
            description = "Admin group: its members may use the control socket too (besides root and the proxy's "
                    + "own user); the socket gets this group. Default: none.")
    String controlGroup;

    @Option(names = "--metrics", paramLabel = "HOST:PORT",
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics. Default: off. Loopback only unless "
                    + "--metrics-allow-remote.")
    String metrics;

    @Option(names = "--metrics-allow-remote", defaultValue = "false",
            description = "Allow --metrics on a non-loopback address (the metrics show traffic volumes). "
                    + "Default: false (loopback only).")
    boolean metricsAllowRemote;

    @Option(names = "--metrics-per-peer", defaultValue = "false",
            description = "Add per-connection samples labelled with destination and session id "
                    + "(one series per connection: mind the cardinality). Default: false (totals only).")
    boolean metricsPerPeer;

    @Option(names = "--metrics-request-timeout", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.class,
            description = "Close a metrics connection whose request has not arrived within this time, or whose "
                    + "answer was not taken within it plus a second per MiB (a stalled client holds one slot no longer). "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration metricsRequestTimeout;

    @Option(names = "--metrics-max-clients", paramLabel = "N", defaultValue = "4",
            description = "Metrics requests served at once (1..256); more are answered 503 at once. "
                    + "Default: ${DEFAULT-VALUE}.")
    int metricsMaxClients;

    @Option(names = "--shutdown-grace", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
            description = "On SIGTERM, stop accepting and let open connections finish for up to this long, "
                    + "then close them. Default: ${DEFAULT-VALUE}.")
    Duration shutdownGrace;

    /** Checks option combinations before anything starts. */
    Optional<InetSocketAddress> metricsAddress() {
        if (metrics == null) {
            return Optional.empty();
        }
        InetSocketAddress a = HostPort.parse(metrics);
        if (!a.getAddress().isLoopbackAddress() && !metricsAllowRemote) {
            throw new IllegalArgumentException("--metrics " + metrics + " is not a loopback address: anyone who can "
                    + "reach it sees the proxy's traffic volumes. Use 127.0.0.1:PORT, or add --metrics-allow-remote");
        }
        return Optional.of(a);
    }

    HttpListener.Limits metricsLimits() {
        return new HttpListener.Limits(metricsRequestTimeout, metricsMaxClients);
    }

    void check() {
        metricsAddress();
        metricsLimits();
        if (noControlSocket && (controlSocket != null || controlGroup != null)) {
            throw new IllegalArgumentException("--no-control-socket cannot be combined with --control-socket or --control-group");
        }
    }

    /** Starts what was asked for; the result closes them. */
    Running start(SnapshotSource source, EventLog log) throws IOException {
        ControlServer control = null;
        MetricsServer metricsServer = null;
        try {
            if (!noControlSocket) {
                Optional<String> group = Optional.ofNullable(controlGroup);
                PeerAccess access;
                Path path;
                try {
                    access = PeerAccess.forThisProcess(group);
                    path = controlSocket != null ? controlSocket
                            : ControlSocketPath.forProxy(System.getenv(), ProcessIdentity.effectiveUid());
                } catch (NativeUnavailableException e) {
                    throw new IOException("the control socket needs native access to check its clients ("
                            + e.getMessage() + "); or run without it: --no-control-socket", e);
                }
                control = new ControlServer(path, group, access, source, log);
                control.start();
            }
            Optional<InetSocketAddress> m = metricsAddress();
            if (m.isPresent()) {
                metricsServer = new MetricsServer(m.get(), metricsPerPeer, metricsLimits(), source, log);
            }
            return new Running(control, metricsServer);
        } catch (IOException | RuntimeException e) {
            new Running(control, metricsServer).close();
            throw e;
        }
    }

    /** The started control and metrics servers (either may be null). */
    record Running(ControlServer control, MetricsServer metrics) implements AutoCloseable {
        @Override
        public void close() {
            if (metrics != null) {
                metrics.close();
            }
            if (control != null) {
                control.close();
            }
        }
    }
}
