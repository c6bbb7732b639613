package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.bip324proxy.log.EventLog;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The global memory budget: reached at the budget, each crossing logged once, the peak of one connection kept. */
@Tag("fast")
class MemoryBudgetTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final MemoryBudget budget = new MemoryBudget(1000,
            new EventLog(new PrintStream(out, true, StandardCharsets.UTF_8), EventLog.Format.TEXT, EventLog.Level.DEBUG));

    private List<String> events() {
        return Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\n")).filter(l -> !l.isEmpty())
                .map(l -> l.split(" ")[2]).toList();
    }

    @Test
    void eachCrossingIsLoggedOnce() {
        budget.changed(600, 600);
        assertFalse(budget.reached());
        budget.changed(400, 400);
        assertTrue(budget.reached(), "the budget itself is reached");
        budget.changed(100, 500);
        budget.changed(-200, 300);
        assertFalse(budget.reached());
        budget.changed(-100, 200);
        assertEquals(800, budget.held());
        assertEquals(600, budget.peakPerConnection());
        assertEquals(List.of("memory_budget_reached", "memory_budget_ok"), events(), out.toString(StandardCharsets.UTF_8));
    }
}
