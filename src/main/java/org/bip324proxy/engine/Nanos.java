package org.bip324proxy.engine;

import java.time.Duration;

/**
 * Durations as {@link System#nanoTime()} offsets. {@link Duration#toNanos()} throws beyond about
 * 292 years; here any longer duration saturates at {@link #NEVER} (about 146 years), which still
 * leaves {@code now + limit} and {@code now - deadline} free of overflow.
 */
final class Nanos {
    /** The longest offset: half the nanoTime range, so deadlines built from it never wrap. */
    static final long NEVER = Long.MAX_VALUE / 2;

    private Nanos() {}

    /** {@code d} in nanoseconds, at most {@link #NEVER}; negative durations count as zero. */
    static long of(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        if (d.getSeconds() >= NEVER / 1_000_000_000L) {
            return NEVER;
        }
        return Math.min(NEVER, d.toNanos());
    }
}
