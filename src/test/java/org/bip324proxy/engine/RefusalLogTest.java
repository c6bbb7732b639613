package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.testsupport.LogLine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The refusal log on a fake clock: one full line, then one summary per interval. */
@Tag("fast")
class RefusalLogTest {
    private static final long SECOND = 1_000_000_000L;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final RefusalLog refusals = new RefusalLog(
            new EventLog(new PrintStream(out, true, StandardCharsets.UTF_8), EventLog.Format.TEXT, EventLog.Level.DEBUG), 10 * SECOND);

    private List<LogLine> lines() {
        return Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\n")).filter(l -> !l.isEmpty()).map(LogLine::of).toList();
    }

    @Test
    void aFloodGivesOneFullLineAndOneSummaryPerInterval() {
        long t = 1000 * SECOND;
        for (int i = 0; i < 1000; i++) {
            refusals.refused(t + i * 1_000_000L, i, "127.0.0.1:" + (40000 + i), i % 10 == 0 ? "ip 10.0.0.2" : "uid 1000",
                    i % 2 == 0 ? "max-connections-per-source" : "max-connections", "detail " + i);
            refusals.tick(t + i * 1_000_000L);
        }
        assertEquals(1, lines().size(), lines().toString());
        assertTrue(lines().get(0).is("reject", 0), lines().get(0).raw());
        lines().get(0).assertField("rule", "max-connections-per-source").assertField("reason", "detail 0");
        refusals.tick(t + 10 * SECOND);
        assertEquals(2, lines().size());
        LogLine summary = lines().get(1);
        assertEquals("reject_summary", summary.event(), summary.raw());
        summary.assertField("refused", 999).assertField("interval_ms", 10000)
                .assertField("reasons", "max-connections (500), max-connections-per-source (499)")
                .assertField("top_sources", "uid 1000 (900), ip 10.0.0.2 (99)");

        refusals.refused(t + 11 * SECOND, 1000, "127.0.0.1:1", "uid 1000", "max-connections", "detail 1000");
        refusals.tick(t + 19 * SECOND);
        assertEquals(2, lines().size(), "still counting in the second interval");
        refusals.tick(t + 20 * SECOND);
        assertEquals("reject_summary", lines().get(2).event(), lines().get(2).raw());
        lines().get(2).assertField("refused", 1);
    }

    @Test
    void afterAQuietIntervalTheNextRefusalIsLoggedInFullAgain() {
        refusals.refused(0, 1, "c", "uid 1", "max-connections", "first");
        refusals.tick(10 * SECOND); // nothing suppressed: the window closes silently
        refusals.refused(11 * SECOND, 2, "c", "uid 1", "max-connections", "second");
        assertEquals(2, lines().size());
        assertTrue(lines().get(1).is("reject", 2), lines().get(1).raw());
        lines().get(1).assertField("reason", "second");
    }

    @Test
    void manySourcesAreBoundedInTheSummary() {
        refusals.refused(0, 0, "c", "ip first", "max-connections", "first");
        for (int i = 0; i < 10 * RefusalLog.MAX_SOURCES_KEPT; i++) {
            refusals.refused(1, i, "c", "ip 10.0." + (i / 256) + "." + (i % 256), "max-connections", "d");
        }
        refusals.tick(10 * SECOND);
        LogLine summary = lines().get(1);
        List<String> sources = List.of(summary.get("top_sources").split(", "));
        assertTrue(sources.contains("other (" + 9 * RefusalLog.MAX_SOURCES_KEPT + ")"), summary.raw());
    }
}
