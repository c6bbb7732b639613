package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bip324proxy.testsupport.MarkdownDoc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The counter vocabulary is the one docs/observability.md documents, and each name reads its own counter. */
@Tag("fast")
class TrafficCounterTest {
    @Test
    void theDocumentedTableNamesEveryCounterAsTheCodeDoes() throws IOException {
        List<String[]> rows = MarkdownDoc.read("docs/observability.md").tableAfter("### One counter, its name in each window");
        List<TrafficCounter> documented = new ArrayList<>();
        for (String[] row : rows) {
            Set<String> names = MarkdownDoc.codeSpans(row[1]);
            for (TrafficCounter c : TrafficCounter.values()) {
                if (names.contains(c.fieldName())) {
                    documented.add(c);
                    assertEquals(c.fieldName(), names.iterator().next(), String.join("|", row));
                    assertEquals(Set.of(metric(c)), MarkdownDoc.codeSpans(row[2]), String.join("|", row));
                    if (c.byCommand()) {
                        assertTrue(names.contains(c.byCommandFieldName()), String.join("|", row));
                    }
                }
            }
        }
        assertEquals(List.of(TrafficCounter.values()), documented, "one row per counter, in the enum's order");
    }

    @Test
    void eachCounterReadsItsOwnValue() {
        TrafficStats t = new TrafficStats(1, 2, 3, 4, Map.of("inv", 5L), Map.of("tx", 6L, "block", 1L), 7, 8, 9, 0, 0, 0, 0);
        long[] expected = {1, 2, 3, 4, 5, 7, 7, 8, 9};
        for (TrafficCounter c : TrafficCounter.values()) {
            assertEquals(expected[c.ordinal()], c.of(t), c.toString());
        }
        assertEquals(Map.of("inv", 5L), TrafficCounter.MESSAGES_TO_PEER.commands(t));
        assertEquals(Map.of("tx", 6L, "block", 1L), TrafficCounter.MESSAGES_TO_CLIENT.commands(t));
    }

    /** The metric as the table writes it: {@code bytes_total{side="v1",direction="in"}}, {@code messages_total{direction="to_peer",command}}. */
    private static String metric(TrafficCounter c) {
        List<String> labels = new ArrayList<>();
        List<String> kv = c.metric().labels();
        for (int i = 0; i < kv.size(); i += 2) {
            labels.add(kv.get(i) + "=\"" + kv.get(i + 1) + "\"");
        }
        if (c.byCommand()) {
            labels.add("command");
        }
        return c.metric().family() + (labels.isEmpty() ? "" : "{" + String.join(",", labels) + "}");
    }
}
