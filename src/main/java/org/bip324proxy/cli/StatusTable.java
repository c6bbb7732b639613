package org.bip324proxy.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bip324proxy.control.StatusReport;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.TrafficCounter;
import org.bip324proxy.relay.Transport;

/** Renders the control protocol's status document as text for people. */
final class StatusTable {
    private static final String[] HEADER = {
        "ID", "DIRECTION", "CLIENT", "DESTINATION", "VIA", "NETWORK", "TRANSPORT", "PHASE", "AGE", "HANDSHAKE",
        "V1 IN", "V1 OUT", "V2 IN", "V2 OUT", "MSGS OUT/IN", "SESSION ID"};

    private StatusTable() {
    }

    /** One line: the fallback mode, fallbacks, and refused fallbacks by reason (possible downgrades). */
    private static String fallback(StatusReport.Fallback f) {
        String reasons = f.downgradeRefused().isEmpty() ? "none"
                : f.downgradeRefused().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(java.util.stream.Collectors.joining(", "));
        return String.format(Locale.ROOT, "v1 fallback %s: %d fallbacks; downgrades refused: %s; %d known v2 destinations%n",
                f.mode(), f.fallbacks(), reasons, f.knownV2Destinations());
    }

    static String render(StatusReport status) {
        StringBuilder sb = new StringBuilder();
        long handshakes = status.handshakes();
        sb.append("bip324-proxy up ").append(duration(status.uptimeMillis()))
                .append(", listening on ").append(String.join(", ", status.listen())).append('\n');
        sb.append(String.format(Locale.ROOT, "connections: %d open, %d since start, %d closed; %d BIP324 handshakes%s%n",
                status.connectionsOpen(), status.connectionsOpened(), status.connectionsClosed(),
                handshakes, handshakes > 0 ? " (average " + status.handshakeMillisTotal() / handshakes + " ms)" : ""));
        sb.append(traffic("totals", status.totals()));
        sb.append(fallback(status.fallback()));
        sb.append('\n');
        if (status.connections().isEmpty()) {
            sb.append("no live connections\n");
            return sb.toString();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (StatusReport.Row c : status.connections()) {
            StatusReport.Traffic t = c.traffic();
            rows.add(new String[] {
                String.valueOf(c.id()), c.direction().logName(), c.client(), text(c.destination()),
                text(c.via().map(Destination.Source::logName)) + c.upstream().map(u -> " > " + u).orElse(""),
                text(c.network()), text(c.transport().map(Transport::logName)), c.phase().logName(),
                duration(c.ageMillis()), c.handshakeMillis().isPresent() ? c.handshakeMillis().getAsLong() + " ms" : "-",
                bytes(t.get(TrafficCounter.V1_BYTES_IN)), bytes(t.get(TrafficCounter.V1_BYTES_OUT)),
                bytes(t.get(TrafficCounter.V2_BYTES_IN)), bytes(t.get(TrafficCounter.V2_BYTES_OUT)),
                t.get(TrafficCounter.MESSAGES_TO_PEER) + "/" + t.get(TrafficCounter.MESSAGES_TO_CLIENT), text(c.sessionId())});
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

    private static String traffic(String label, StatusReport.Traffic t) {
        StatusReport.Framing f = t.framing();
        return String.format(Locale.ROOT, "%s: v1 side in %s, out %s; v2 side in %s, out %s%n"
                        + "messages: %d to peers, %d to clients; %d decoys received; %d unknown short IDs dropped%n"
                        + "framing: relayed messages took %s as BIP324 packets vs %s in v1 framing: %s saved (%.2f %%)%n",
                label, bytes(t.get(TrafficCounter.V1_BYTES_IN)), bytes(t.get(TrafficCounter.V1_BYTES_OUT)),
                bytes(t.get(TrafficCounter.V2_BYTES_IN)), bytes(t.get(TrafficCounter.V2_BYTES_OUT)),
                t.get(TrafficCounter.MESSAGES_TO_PEER), t.get(TrafficCounter.MESSAGES_TO_CLIENT),
                t.get(TrafficCounter.DECOYS_RECEIVED), t.get(TrafficCounter.UNKNOWN_SHORT_IDS_DROPPED),
                bytes(f.v2Bytes()), bytes(f.v1Bytes()), bytes(f.savingBytes()), f.savingPercent());
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

    private static String text(Optional<String> o) {
        return o.orElse("-");
    }
}
