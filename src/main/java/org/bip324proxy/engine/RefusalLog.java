package org.bip324proxy.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.bip324proxy.log.EventLog;

/**
 * Logs refused connections without letting a flood of them flood the log: the first refusal
 * after a quiet interval is logged in full ({@code reject}); the ones after it are counted and
 * summarised in one {@code reject_summary} line per interval, with counts by reason and the
 * busiest sources. Memory: one counter per distinct reason and source within one interval,
 * bounded by {@link #MAX_SOURCES_KEPT}. Used by the accepting loop's thread only.
 */
final class RefusalLog {
    /** Sources tracked per interval for the summary; the rest count as "other". */
    static final int MAX_SOURCES_KEPT = 64;
    private static final int SOURCES_SHOWN = 5;

    private final EventLog log;
    private final long intervalNanos;
    private boolean windowOpen;
    private long windowStart;
    private long suppressed;
    private final Map<String, Long> byReason = new LinkedHashMap<>();
    private final Map<String, Long> bySource = new LinkedHashMap<>();

    RefusalLog(EventLog log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
    }

    /**
     * A connection was refused at {@code now} (System.nanoTime()).
     *
     * @param reason a stable short name, e.g. {@code max-connections}
     * @param detail the sentence for the full line
     */
    void refused(long now, long conn, String client, String source, String reason, String detail) {
        if (!windowOpen) {
            windowOpen = true;
            windowStart = now;
            log.warn("reject").with("conn", conn).with("client", client).with("source", source)
                    .with("rule", reason).with("reason", detail)
                    .with("note", "further refusals are summarised every " + intervalNanos / 1_000_000 + " ms").log();
            return;
        }
        suppressed++;
        byReason.merge(reason, 1L, Long::sum);
        if (bySource.containsKey(source) || bySource.size() < MAX_SOURCES_KEPT) {
            bySource.merge(source, 1L, Long::sum);
        } else {
            bySource.merge("other", 1L, Long::sum);
        }
    }

    /** Called regularly (the loop's tick): writes the summary when an interval with refusals is over. */
    void tick(long now) {
        if (!windowOpen || now - windowStart < intervalNanos) {
            return;
        }
        if (suppressed == 0) {
            windowOpen = false; // a quiet interval: the next refusal is logged in full again
            return;
        }
        log.warn("reject_summary").with("refused", suppressed).with("interval_ms", (now - windowStart) / 1_000_000)
                .with("reasons", format(byReason, byReason.size()))
                .with("top_sources", format(bySource, SOURCES_SHOWN)).log();
        windowStart = now;
        suppressed = 0;
        byReason.clear();
        bySource.clear();
    }

    private static String format(Map<String, Long> counts, int limit) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "));
    }
}
