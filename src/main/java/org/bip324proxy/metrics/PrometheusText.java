package org.bip324proxy.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.bip324proxy.engine.ConnectionSnapshot;
import org.bip324proxy.engine.ProxySnapshot;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.relay.TrafficCounter;
import org.bip324proxy.relay.TrafficStats;
import org.bip324proxy.relay.Transport;
import org.bip324proxy.relay.V1FallbackPolicy;

/**
 * A {@link ProxySnapshot} in the Prometheus text exposition format (version 0.0.4): a HELP and a
 * TYPE line per metric family, then one sample per line. Per-connection samples (labelled with
 * the connection id, destination and session id) only when asked for.
 */
public final class PrometheusText {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String P = "bip324_proxy_";
    /** The label value of a transport or destination source not known yet. */
    private static final String NONE = "none";

    private final StringBuilder sb = new StringBuilder();

    private PrometheusText() {
    }

    public static String render(ProxySnapshot s, boolean perPeer) {
        PrometheusText t = new PrometheusText();
        t.totals(s);
        if (perPeer) {
            t.perConnection(s);
        }
        return t.sb.toString();
    }

    private void totals(ProxySnapshot s) {
        TrafficStats t = s.total();
        family("uptime_seconds", "gauge", "Seconds since the proxy started.");
        sample("uptime_seconds", "", s.uptimeMillis() / 1000.0);
        family("connections_open", "gauge", "Client connections open now, by transport (none = not chosen yet).");
        Map<String, Long> open = new TreeMap<>(Map.of(NONE, 0L));
        for (Transport transport : Transport.values()) {
            open.put(transport.logName(), 0L);
        }
        s.connections().forEach(c -> open.merge(c.transport().map(Transport::logName).orElse(NONE), 1L, Long::sum));
        open.forEach((k, v) -> sample("connections_open", label("transport", k), v));
        family("connections_open_by_direction", "gauge",
                "Connections open now, by direction (outbound: local clients out to peers; inbound: peers in to the protected node).");
        Map<String, Long> byDirection = new TreeMap<>();
        for (RelaySession.Direction d : RelaySession.Direction.values()) {
            byDirection.put(d.logName(), 0L);
        }
        s.connections().forEach(c -> byDirection.merge(c.direction().logName(), 1L, Long::sum));
        byDirection.forEach((k, v) -> sample("connections_open_by_direction", label("direction", k), v));
        family("connections_open_by_source", "gauge",
                "Client connections open now, by how their destination was found (none = not known yet).");
        Map<String, Long> bySource = new TreeMap<>(Map.of(NONE, 0L));
        for (Destination.Source source : Destination.Source.values()) {
            bySource.put(source.logName(), 0L);
        }
        s.connections().forEach(c -> bySource.merge(c.destination().map(d -> d.source().logName()).orElse(NONE), 1L, Long::sum));
        bySource.forEach((k, v) -> sample("connections_open_by_source", label("source", k), v));
        family("connections_open_through_upstream", "gauge", "Client connections whose peer is reached through --upstream-socks5.");
        sample("connections_open_through_upstream", "", s.connections().stream().filter(c -> c.upstream().isPresent()).count());
        family("connections_opened_total", "counter", "Client connections accepted since start.");
        sample("connections_opened_total", "", s.opened());
        family("connections_closed_total", "counter", "Client connections finished since start, by cause (ok: cleanly).");
        s.closedByCause().forEach((cause, n) -> sample("connections_closed_total", label("cause", cause), n));
        family("handshakes_total", "counter", "Completed BIP324 handshakes.");
        sample("handshakes_total", "", s.handshakes());
        family("handshake_seconds_total", "counter", "Total time of the completed BIP324 handshakes.");
        sample("handshake_seconds_total", "", s.handshakeNanos() / 1e9);
        traffic(t);
        family("framing_bytes_total", "counter",
                "Bytes the relayed messages take in v1 framing (24-byte header) and as BIP324 packets.");
        sample("framing_bytes_total", label("framing", "v1"), t.v1Framed());
        sample("framing_bytes_total", label("framing", "v2"), t.v2Framed());
        family("framing_saving_bytes", "gauge", "v1-framed minus v2-framed bytes since start.");
        sample("framing_saving_bytes", "", t.framingSaving());
        V1FallbackPolicy.Counts f = s.fallback();
        family("v1_fallbacks_total", "counter", "Sessions relayed as plain, unencrypted v1 after the peer did not answer BIP324.");
        sample("v1_fallbacks_total", "", f.fallbacks());
        family("downgrade_refused_total", "counter",
                "v1 fallbacks refused (possible downgrade attacks), by reason: require_v2, known_v2_handshake, known_v2_advertised.");
        for (String reason : new String[] {V1FallbackPolicy.REQUIRE_V2, V1FallbackPolicy.KNOWN_V2_HANDSHAKE,
                V1FallbackPolicy.KNOWN_V2_ADVERTISED}) {
            sample("downgrade_refused_total", label("reason", reason), f.refusals().getOrDefault(reason, 0L));
        }
        family("known_v2_destinations", "gauge", "Destinations in the known-v2 store.");
        sample("known_v2_destinations", "", f.knownV2());
    }

    /** The {@link TrafficCounter}s, each in its metric family (message counters by command). */
    private void traffic(TrafficStats t) {
        String family = null;
        for (TrafficCounter c : TrafficCounter.values()) {
            TrafficCounter.Metric m = c.metric();
            if (!m.family().equals(family)) {
                family = m.family();
                family(family, "counter", m.help());
            }
            if (c.byCommand()) {
                c.commands(t).forEach((cmd, n) -> sample(m.family(), label(m.labels(), "command", cmd), n));
            } else {
                sample(m.family(), label(m.labels()), c.of(t));
            }
        }
    }

    private void perConnection(ProxySnapshot s) {
        family("connection_bytes", "gauge", "Bytes of one live connection, by side and direction.");
        for (ConnectionSnapshot c : s.connections()) {
            TrafficStats t = c.traffic();
            List<String> connection = List.of("conn", String.valueOf(c.id()),
                    "destination", c.destination().map(d -> Endpoints.format(d.address())).orElse(""),
                    "session_id", c.sessionId().orElse(""));
            for (TrafficCounter counter : TrafficCounter.BYTES) {
                sample("connection_bytes", label(connection, counter.metric().labels()), counter.of(t));
            }
        }
    }

    private void family(String name, String type, String help) {
        sb.append("# HELP ").append(P).append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(P).append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String labels, long value) {
        sb.append(P).append(name).append(labels).append(' ').append(value).append('\n');
    }

    private void sample(String name, String labels, double value) {
        sb.append(P).append(name).append(labels).append(' ').append(String.format(Locale.ROOT, "%.3f", value)).append('\n');
    }

    /** The labels of {@code kv} then {@code more}; nothing at all when there are none. */
    private static String label(List<String> kv, String... more) {
        List<String> all = new ArrayList<>(kv);
        all.addAll(List.of(more));
        return all.isEmpty() ? "" : label(all.toArray(String[]::new));
    }

    private static String label(List<String> kv, List<String> more) {
        return label(kv, more.toArray(String[]::new));
    }

    /** {@code {k1="v1",k2="v2"}} with values escaped as the format requires (backslash, quote, newline). */
    static String label(String... kv) {
        StringBuilder l = new StringBuilder("{");
        for (int i = 0; i < kv.length; i += 2) {
            if (i > 0) {
                l.append(',');
            }
            l.append(kv[i]).append("=\"")
                    .append(kv[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
        }
        return l.append('}').toString();
    }
}
