package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class NanosTest {
    @Test
    void ordinaryDurationsAreExact() {
        assertEquals(1_500_000_000L, Nanos.of(Duration.ofMillis(1500)));
        assertEquals(0, Nanos.of(Duration.ZERO));
    }

    @Test
    void durationsBeyondTheRangeSaturate() {
        assertEquals(Nanos.NEVER, Nanos.of(Duration.ofHours(3_000_000)));
        assertEquals(Nanos.NEVER, Nanos.of(Duration.ofSeconds(Long.MAX_VALUE)));
        assertEquals(Nanos.NEVER, Nanos.of(Duration.ofDays(365L * 200)));
    }

    @Test
    void deadlinesBuiltFromTheLongestOffsetDoNotWrap() {
        long now = Long.MAX_VALUE - 10; // nanoTime may be anywhere in its range
        long deadline = now + Nanos.of(Duration.ofHours(3_000_000));
        assertTrue(now + 1_000_000_000L - deadline < 0, "a second later the deadline has not passed");
    }

    @Test
    void negativeDurationsCountAsZero() {
        assertEquals(0, Nanos.of(Duration.ofSeconds(-1)));
    }
}
