package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
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

    /** Lifetime totals add up many sessions: a peer sending one new name per session must not grow them. */
    @Test
    void totalsOverManySessionsAreCappedLikeOneSession() {
        TrafficStats total = TrafficStats.ZERO;
        for (int session = 0; session < 200; session++) {
            SessionStats stats = new SessionStats();
            stats.v2MessageToClient("ping", 32, 28);
            stats.v2MessageToClient("peer" + session, 32, 40);
            total = total.plus(stats.snapshot());
        }
        Map<String, Long> byName = total.messagesToClient();
        assertEquals(CommandCounts.MAX_NAMES + 1, byName.size(), "at most MAX_NAMES names plus " + CommandCounts.OTHER);
        assertEquals(200L, byName.get("ping"));
        assertEquals(400L, total.messagesToClientTotal(), "nothing is lost");
        assertEquals(200L - (CommandCounts.MAX_NAMES - 1), byName.get(CommandCounts.OTHER));
    }

    @Test
    void summingKeepsNamesBothSidesHave() {
        Map<String, Long> a = Map.of("ping", 2L, CommandCounts.OTHER, 5L);
        Map<String, Long> b = Map.of("ping", 1L, "inv", 4L, CommandCounts.OTHER, 1L);
        assertEquals(Map.of("ping", 3L, "inv", 4L, CommandCounts.OTHER, 6L), CommandCounts.sum(a, b));
    }
}
