package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.bip324proxy.log.EventLog;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The refusal log on a fake clock: one full line, then one summary per interval. */
@Tag("fast")
class RefusalLogTest {
    private static final long SECOND = 1_000_000_000L;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final RefusalLog refusals = new RefusalLog(
            new EventLog(new PrintStream(out, true, StandardCharsets.UTF_8), EventLog.Format.TEXT, EventLog.Level.DEBUG), 10 * SECOND);

    private List<String> lines() {
        return Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\n")).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void aFloodGivesOneFullLineAndOneSummaryPerInterval() {
        long t = 1000 * SECOND;
        for (int i = 0; i < 1000; i++) {
            refusals.refused(t + i * 1_000_000L, i, "127.0.0.1:" + (40000 + i), i % 10 == 0 ? "ip 10.0.0.2" : "uid 1000",
                    i % 2 == 0 ? "max-connections-per-source" : "max-connections", "detail " + i);
            refusals.tick(t + i * 1_000_000L);
        }
        assertEquals(1, lines().size(), String.join("\n", lines()));
        assertTrue(lines().get(0).contains(" reject conn=0 ") && lines().get(0).contains("detail 0"), lines().get(0));
        refusals.tick(t + 10 * SECOND);
        assertEquals(2, lines().size());
        String summary = lines().get(1);
        assertTrue(summary.contains(" reject_summary refused=999 interval_ms=10000 "), summary);
        assertTrue(summary.contains("max-connections (500)") && summary.contains("max-connections-per-source (499)"), summary);
        assertTrue(summary.contains("uid 1000 (900), ip 10.0.0.2 (99)"), summary);

        refusals.refused(t + 11 * SECOND, 1000, "127.0.0.1:1", "uid 1000", "max-connections", "detail 1000");
        refusals.tick(t + 19 * SECOND);
        assertEquals(2, lines().size(), "still counting in the second interval");
        refusals.tick(t + 20 * SECOND);
        assertTrue(lines().get(2).contains(" reject_summary refused=1 "), lines().get(2));
    }

    @Test
    void afterAQuietIntervalTheNextRefusalIsLoggedInFullAgain() {
        refusals.refused(0, 1, "c", "uid 1", "max-connections", "first");
        refusals.tick(10 * SECOND); // nothing suppressed: the window closes silently
        refusals.refused(11 * SECOND, 2, "c", "uid 1", "max-connections", "second");
        assertEquals(2, lines().size());
        assertTrue(lines().get(1).contains(" reject conn=2 ") && lines().get(1).contains("second"), lines().get(1));
    }

    @Test
    void manySourcesAreBoundedInTheSummary() {
        refusals.refused(0, 0, "c", "ip first", "max-connections", "first");
        for (int i = 0; i < 10 * RefusalLog.MAX_SOURCES_KEPT; i++) {
            refusals.refused(1, i, "c", "ip 10.0." + (i / 256) + "." + (i % 256), "max-connections", "d");
        }
        refusals.tick(10 * SECOND);
        String summary = lines().get(1);
        assertTrue(summary.contains("other (" + 9 * RefusalLog.MAX_SOURCES_KEPT + ")"), summary);
    }
}
