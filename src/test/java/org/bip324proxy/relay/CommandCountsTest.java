package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandCountsTest {
    @Test
    void countsByNameAndBoundsTheNumberOfNames() {
        CommandCounts c = new CommandCounts();
        c.add("ping");
        c.add("ping");
        c.add("inv");
        for (int i = 0; i < 200; i++) {
            c.add("junk" + i);
        }
        Map<String, Long> s = c.snapshot();
        assertEquals(2L, s.get("ping"));
        assertEquals(1L, s.get("inv"));
        assertEquals(CommandCounts.MAX_NAMES + 1, s.size(), "at most MAX_NAMES names plus " + CommandCounts.OTHER);
        assertEquals(200L + 3, s.values().stream().mapToLong(Long::longValue).sum(), "nothing is lost");
        assertEquals(200L - (CommandCounts.MAX_NAMES - 2), s.get(CommandCounts.OTHER));
    }
}
