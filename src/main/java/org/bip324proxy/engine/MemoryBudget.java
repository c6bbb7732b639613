package org.bip324proxy.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.bip324proxy.log.EventLog;

/**
 * The heap all connections hold together (outbound queues and partial messages) against
 * {@code --memory-budget}: while it is reached, no socket is read. Crossing it either way is
 * logged once. Thread-safe: every loop reports its connections' changes.
 */
final class MemoryBudget {
    private final long budget;
    private final EventLog log;
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong peakPerConnection = new AtomicLong();
    private final AtomicBoolean over = new AtomicBoolean();

    MemoryBudget(long budget, EventLog log) {
        this.budget = budget;
        this.log = log;
    }

    /** What one connection holds changed by {@code delta} bytes to {@code connectionTotal}. */
    void changed(long delta, long connectionTotal) {
        long total = held.addAndGet(delta);
        if (connectionTotal > peakPerConnection.get()) {
            peakPerConnection.accumulateAndGet(connectionTotal, Math::max);
        }
        boolean reached = total >= budget;
        if (over.get() != reached && over.compareAndSet(!reached, reached)) {
            (reached ? log.warn("memory_budget_reached") : log.info("memory_budget_ok"))
                    .with("held", total).with("budget", budget)
                    .with("action", reached ? "no socket is read until queued bytes are written" : "reading again").log();
        }
    }

    /** True while all connections together hold the budget or more: nothing is read. */
    boolean reached() {
        return held.get() >= budget;
    }

    long held() {
        return held.get();
    }

    /** The most one connection has held (both directions) since start. */
    long peakPerConnection() {
        return peakPerConnection.get();
    }
}
