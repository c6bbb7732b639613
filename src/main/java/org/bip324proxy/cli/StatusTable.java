package org.bip324proxy.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders the control protocol's status object as text for people. */
final class StatusTable {
    private static final String[] HEADER = {
        "ID", "DIRECTION", "CLIENT", "DESTINATION", "VIA", "NETWORK", "TRANSPORT", "PHASE", "AGE", "HANDSHAKE",
        "V1 IN", "V1 OUT", "V2 IN", "V2 OUT", "MSGS OUT/IN", "SESSION ID"};

    private StatusTable() {
    }

    /** One line: the fallback mode, fallbacks, and refused fallbacks by reason (possible downgrades). */
    private static String fallback(Object o) {
        if (o == null) {
            return "";
        }
        Map<String, Object> f = map(o);
        Map<String, Object> refused = map(f.get("downgrade_refused"));
        String reasons = refused.isEmpty() ? "none"
                : refused.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
        return String.format(Locale.ROOT, "v1 fallback %s: %d fallbacks; downgrades refused: %s; %d known v2 destinations%n",
                f.get("mode"), num(f.get("fallbacks")), reasons, num(f.get("known_v2_destinations")));
    }

    static String render(Map<String, Object> status) {
        StringBuilder sb = new StringBuilder();
        Map<String, Object> totals = map(status.get("totals"));
        long handshakes = num(status.get("handshakes"));
        sb.append("bip324-proxy up ").append(duration(num(status.get("uptime_ms"))))
                .append(", listening on ").append(String.join(", ", strings(status.get("listen")))).append('\n');
        sb.append(String.format(Locale.ROOT, "connections: %d open, %d since start, %d closed; %d BIP324 handshakes%s%n",
                num(status.get("connections_open")), num(status.get("connections_opened")), num(status.get("connections_closed")),
                handshakes, handshakes > 0 ? " (average " + num(status.get("handshake_ms_total")) / handshakes + " ms)" : ""));
        sb.append(traffic("totals", totals));
        sb.append(fallback(status.get("v1_fallback")));
        sb.append('\n');
        List<Object> connections = list(status.get("connections"));
        if (connections.isEmpty()) {
            sb.append("no live connections\n");
            return sb.toString();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Object o : connections) {
            Map<String, Object> c = map(o);
            Map<String, Object> t = map(c.get("traffic"));
            rows.add(new String[] {
                String.valueOf(num(c.get("id"))), text(c.get("direction")), text(c.get("client")), text(c.get("destination")),
                text(c.get("destination_source")) + (c.get("upstream") == null ? "" : " > " + c.get("upstream")),
                text(c.get("network")), text(c.get("transport")), text(c.get("phase")),
                duration(num(c.get("age_ms"))), c.get("handshake_ms") == null ? "-" : num(c.get("handshake_ms")) + " ms",
                bytes(num(t.get("v1_bytes_in"))), bytes(num(t.get("v1_bytes_out"))),
                bytes(num(t.get("v2_bytes_in"))), bytes(num(t.get("v2_bytes_out"))),
                num(t.get("messages_to_peer")) + "/" + num(t.get("messages_to_client")), text(c.get("session_id"))});
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(String.format("%-" + widths[i] + "s", row[i])).append(i + 1 < row.length ? "  " : "");
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    private static String traffic(String label, Map<String, Object> t) {
        Map<String, Object> f = map(t.get("framing"));
        return String.format(Locale.ROOT, "%s: v1 side in %s, out %s; v2 side in %s, out %s%n"
                        + "messages: %d to peers, %d to clients; %d decoys received; %d unknown short IDs dropped%n"
                        + "framing: relayed messages took %s as BIP324 packets vs %s in v1 framing: %s saved (%.2f %%)%n",
                label, bytes(num(t.get("v1_bytes_in"))), bytes(num(t.get("v1_bytes_out"))),
                bytes(num(t.get("v2_bytes_in"))), bytes(num(t.get("v2_bytes_out"))),
                num(t.get("messages_to_peer")), num(t.get("messages_to_client")),
                num(t.get("decoys_received")), num(t.get("unknown_short_ids_dropped")),
                bytes(num(f.get("v2_bytes"))), bytes(num(f.get("v1_bytes"))), bytes(num(f.get("saving_bytes"))),
                ((Number) f.getOrDefault("saving_percent", 0L)).doubleValue());
    }

    /** Exact below 10 kB, then kB/MB/GB (powers of 1000) with one decimal. */
    static String bytes(long n) {
        long a = Math.abs(n);
        if (a < 10_000) {
            return n + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = n / 1000.0;
        int u = 0;
        while (Math.abs(v) >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String duration(long millis) {
        long s = millis / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + String.format("%02d", s % 60) + "s";
        }
        if (s < 86400) {
            return s / 3600 + "h" + String.format("%02d", s / 60 % 60) + "m";
        }
        return s / 86400 + "d" + String.format("%02d", s / 3600 % 24) + "h";
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static String text(Object o) {
        return o == null ? "-" : o.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }

    private static List<String> strings(Object o) {
        return list(o).stream().map(String::valueOf).toList();
    }
}
