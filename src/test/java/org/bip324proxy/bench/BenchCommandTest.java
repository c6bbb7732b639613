package org.bip324proxy.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class BenchCommandTest {
    @Test
    void smallMessagesAreSentExactlyEvenBelowOrBetweenBatches() {
        assertArrayEquals(new int[] {2500}, BenchCommand.batches(2500, 10_000));
        assertArrayEquals(new int[] {10_000, 10_000, 5}, BenchCommand.batches(20_005, 10_000));
        assertArrayEquals(new int[] {10_000}, BenchCommand.batches(10_000, 10_000));
    }
}
