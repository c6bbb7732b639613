package org.bip324proxy.control;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;
import org.bip324proxy.engine.ProxySnapshot;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.Phase;
import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.relay.TrafficCounter;
import org.bip324proxy.relay.Transport;

/**
 * The control protocol's {@code status} answer (see docs/control-protocol.md): a
 * {@link StatusReport} written as JSON values, and read back from them. The member names are
 * defined here (the traffic counters' by {@link TrafficCounter}); the values' names are those of
 * their enums ({@code logName()}).
 */
public final class SnapshotJson {
    private SnapshotJson() {
    }

    public static Map<String, Object> of(ProxySnapshot s) {
        return of(s, Integer.MAX_VALUE);
    }

    /** The document with only the {@code maxConnections} busiest live connections ({@link StatusReport#of}). */
    public static Map<String, Object> of(ProxySnapshot s, int maxConnections) {
        return write(StatusReport.of(s, maxConnections));
    }

    public static Map<String, Object> write(StatusReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uptime_ms", r.uptimeMillis());
        m.put("listen", r.listen());
        m.put("connections_open", r.connectionsOpen());
        m.put("connections_opened", r.connectionsOpened());
        m.put("connections_closed", r.connectionsClosed());
        m.put("handshakes", r.handshakes());
        m.put("handshake_ms_total", r.handshakeMillisTotal());
        m.put("totals", traffic(r.totals()));
        Map<String, Object> fallback = new LinkedHashMap<>();
        fallback.put("mode", r.fallback().mode());
        fallback.put("fallbacks", r.fallback().fallbacks());
        fallback.put("downgrade_refused", new TreeMap<String, Object>(r.fallback().downgradeRefused()));
        fallback.put("known_v2_destinations", r.fallback().knownV2Destinations());
        m.put("v1_fallback", fallback);
        List<Object> connections = new ArrayList<>();
        for (StatusReport.Row c : r.connections()) {
            connections.add(row(c));
        }
        m.put("connections", connections);
        return m;
    }

    private static Map<String, Object> row(StatusReport.Row c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("direction", c.direction().logName());
        m.put("client", c.client());
        m.put("destination", c.destination().orElse(null));
        m.put("destination_source", c.via().map(Destination.Source::logName).orElse(null));
        m.put("upstream", c.upstream().orElse(null));
        m.put("network", c.network().orElse(null));
        m.put("transport", c.transport().map(Transport::logName).orElse(null));
        m.put("phase", c.phase().logName());
        m.put("session_id", c.sessionId().orElse(null));
        m.put("age_ms", c.ageMillis());
        m.put("handshake_ms", c.handshakeMillis().isPresent() ? c.handshakeMillis().getAsLong() : null);
        m.put("traffic", traffic(c.traffic()));
        return m;
    }

    private static Map<String, Object> traffic(StatusReport.Traffic t) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (TrafficCounter c : TrafficCounter.values()) {
            m.put(c.fieldName(), t.get(c));
            if (c == TrafficCounter.MESSAGES_TO_CLIENT) { // the counts by command follow both message totals
                for (TrafficCounter b : TrafficCounter.values()) {
                    if (b.byCommand()) {
                        m.put(b.byCommandFieldName(), new LinkedHashMap<String, Object>(t.byCommand().getOrDefault(b, Map.of())));
                    }
                }
            }
        }
        Map<String, Object> framing = new LinkedHashMap<>();
        framing.put("v1_bytes", t.framing().v1Bytes());
        framing.put("v2_bytes", t.framing().v2Bytes());
        framing.put("saving_bytes", t.framing().savingBytes());
        framing.put("saving_percent", t.framing().savingPercent());
        m.put("framing", framing);
        return m;
    }

    /**
     * Reads a status document as {@link JsonCodec#parse} returns it.
     *
     * @throws IllegalArgumentException naming the member, if it is not a status document
     */
    public static StatusReport read(Object document) {
        Obj d = new Obj(document, "status");
        Obj f = d.obj("v1_fallback");
        Map<String, Long> refused = new TreeMap<>();
        f.obj("downgrade_refused").members.forEach((k, v) -> refused.put(k, number(v, "downgrade_refused." + k).longValue()));
        List<StatusReport.Row> rows = new ArrayList<>();
        for (Object o : d.list("connections")) {
            rows.add(row(new Obj(o, "connection")));
        }
        return new StatusReport(d.num("uptime_ms"), d.list("listen").stream().map(String::valueOf).toList(),
                d.num("connections_open"), d.num("connections_opened"), d.num("connections_closed"), d.num("handshakes"),
                d.num("handshake_ms_total"), traffic(d.obj("totals")),
                new StatusReport.Fallback(f.text("mode").orElse(""), f.num("fallbacks"), refused, f.num("known_v2_destinations")),
                rows);
    }

    private static StatusReport.Row row(Obj c) {
        Optional<Long> handshake = c.optionalNum("handshake_ms");
        return new StatusReport.Row(c.num("id"),
                named(RelaySession.Direction.values(), RelaySession.Direction::logName, c.required("direction")),
                c.required("client"), c.text("destination"),
                c.text("destination_source").map(v -> named(Destination.Source.values(), Destination.Source::logName, v)),
                c.text("upstream"), c.text("network"),
                c.text("transport").map(v -> named(Transport.values(), Transport::logName, v)),
                named(Phase.values(), Phase::logName, c.required("phase")),
                c.text("session_id"), c.num("age_ms"),
                handshake.isPresent() ? OptionalLong.of(handshake.get()) : OptionalLong.empty(), traffic(c.obj("traffic")));
    }

    private static StatusReport.Traffic traffic(Obj t) {
        Map<TrafficCounter, Long> counters = new EnumMap<>(TrafficCounter.class);
        Map<TrafficCounter, Map<String, Long>> byCommand = new EnumMap<>(TrafficCounter.class);
        for (TrafficCounter c : TrafficCounter.values()) {
            counters.put(c, t.num(c.fieldName()));
            if (c.byCommand()) {
                Map<String, Long> commands = new LinkedHashMap<>();
                t.obj(c.byCommandFieldName()).members.forEach((k, v) -> commands.put(k, number(v, c.byCommandFieldName()).longValue()));
                byCommand.put(c, commands);
            }
        }
        Obj f = t.obj("framing");
        return new StatusReport.Traffic(counters, byCommand, new StatusReport.Framing(f.num("v1_bytes"), f.num("v2_bytes"),
                f.num("saving_bytes"), number(f.members.get("saving_percent"), "saving_percent").doubleValue()));
    }

    private static <E> E named(E[] values, Function<E, String> name, String text) {
        for (E e : values) {
            if (name.apply(e).equals(text)) {
                return e;
            }
        }
        throw new IllegalArgumentException("status document: unknown value '" + text + "'");
    }

    private static Number number(Object v, String member) {
        if (v instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException("status document: '" + member + "' is not a number");
    }

    /** A JSON object of the document, read member by member with errors naming the member. */
    private static final class Obj {
        final Map<String, Object> members;

        @SuppressWarnings("unchecked")
        Obj(Object o, String name) {
            if (!(o instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("status document: '" + name + "' is not an object");
            }
            this.members = (Map<String, Object>) o;
        }

        Obj obj(String key) {
            return new Obj(members.get(key), key);
        }

        List<?> list(String key) {
            if (members.get(key) instanceof List<?> l) {
                return l;
            }
            throw new IllegalArgumentException("status document: '" + key + "' is not a list");
        }

        long num(String key) {
            return number(members.get(key), key).longValue();
        }

        Optional<Long> optionalNum(String key) {
            return members.get(key) == null ? Optional.empty() : Optional.of(num(key));
        }

        Optional<String> text(String key) {
            Object v = members.get(key);
            if (v == null) {
                return Optional.empty();
            }
            if (v instanceof String s) {
                return Optional.of(s);
            }
            throw new IllegalArgumentException("status document: '" + key + "' is not a string");
        }

        String required(String key) {
            return text(key).orElseThrow(() -> new IllegalArgumentException("status document: '" + key + "' is missing"));
        }
    }
}
