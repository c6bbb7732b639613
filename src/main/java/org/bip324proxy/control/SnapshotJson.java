package org.bip324proxy.control;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bip324proxy.engine.ConnectionSnapshot;
import org.bip324proxy.engine.ProxySnapshot;
import org.bip324proxy.relay.TrafficStats;

/** The control protocol's {@code status} answer (see docs/control-protocol.md). */
public final class SnapshotJson {
    private SnapshotJson() {
    }

    public static Map<String, Object> of(ProxySnapshot s) {
        return of(s, Integer.MAX_VALUE);
    }

    /**
     * The document with only the {@code maxConnections} live connections that moved the most bytes
     * (by id among those); {@code connections_open} and the totals still count all of them.
     */
    public static Map<String, Object> of(ProxySnapshot s, int maxConnections) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uptime_ms", s.uptimeMillis());
        m.put("listen", s.listen());
        m.put("connections_open", (long) s.connections().size());
        m.put("connections_opened", s.opened());
        m.put("connections_closed", s.closed());
        m.put("handshakes", s.handshakes());
        m.put("handshake_ms_total", s.handshakeNanos() / 1_000_000);
        m.put("totals", traffic(s.total()));
        Map<String, Object> fallback = new LinkedHashMap<>();
        fallback.put("mode", s.fallback().mode());
        fallback.put("fallbacks", s.fallback().fallbacks());
        fallback.put("downgrade_refused", new TreeMap<String, Object>(s.fallback().refusals()));
        fallback.put("known_v2_destinations", (long) s.fallback().knownV2());
        m.put("v1_fallback", fallback);
        List<Object> connections = new ArrayList<>();
        List<ConnectionSnapshot> shown = s.connections().size() <= maxConnections ? s.connections()
                : s.connections().stream().sorted(Comparator.comparingLong((ConnectionSnapshot c) -> bytes(c.traffic())).reversed())
                        .limit(maxConnections).sorted(Comparator.comparingLong(ConnectionSnapshot::id)).toList();
        for (ConnectionSnapshot c : shown) {
            connections.add(connection(c));
        }
        m.put("connections", connections);
        return m;
    }

    private static Map<String, Object> connection(ConnectionSnapshot c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("direction", c.direction());
        m.put("client", c.client());
        m.put("destination", c.destination());
        m.put("destination_source", c.via());
        m.put("upstream", c.upstream());
        m.put("network", c.network());
        m.put("transport", c.transport());
        m.put("phase", c.phase());
        m.put("session_id", c.sessionId());
        m.put("age_ms", c.ageMillis());
        m.put("handshake_ms", c.handshakeMillis() < 0 ? null : c.handshakeMillis());
        m.put("traffic", traffic(c.traffic()));
        return m;
    }

    private static long bytes(TrafficStats t) {
        return t.clientBytesIn() + t.clientBytesOut() + t.peerBytesIn() + t.peerBytesOut();
    }

    private static Map<String, Object> traffic(TrafficStats t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v1_bytes_in", t.clientBytesIn());
        m.put("v1_bytes_out", t.clientBytesOut());
        m.put("v2_bytes_in", t.peerBytesIn());
        m.put("v2_bytes_out", t.peerBytesOut());
        m.put("messages_to_peer", t.messagesToPeerTotal());
        m.put("messages_to_client", t.messagesToClientTotal());
        m.put("messages_to_peer_by_command", new LinkedHashMap<String, Object>(t.messagesToPeer()));
        m.put("messages_to_client_by_command", new LinkedHashMap<String, Object>(t.messagesToClient()));
        m.put("decoys_received", t.decoysReceived());
        m.put("unknown_short_ids_dropped", t.unknownShortIds());
        m.put("malformed_types_dropped", t.malformedTypes());
        Map<String, Object> framing = new LinkedHashMap<>();
        framing.put("v1_bytes", t.v1Framed());
        framing.put("v2_bytes", t.v2Framed());
        framing.put("saving_bytes", t.framingSaving());
        framing.put("saving_percent", Math.round(t.framingSavingPercent() * 100) / 100.0);
        m.put("framing", framing);
        return m;
    }
}
