package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StatusTableTest {
    @Test
    void bytesAreExactWhenSmallAndScaledWhenLarge() {
        assertEquals("0 B", StatusTable.bytes(0));
        assertEquals("9999 B", StatusTable.bytes(9999));
        assertEquals("-12 B", StatusTable.bytes(-12));
        assertEquals("10.0 kB", StatusTable.bytes(10_000));
        assertEquals("1.5 MB", StatusTable.bytes(1_500_000));
        assertEquals("-2.0 GB", StatusTable.bytes(-2_000_000_000L));
    }

    @Test
    void durationsReadLikeUptime() {
        assertEquals("59s", StatusTable.duration(59_999));
        assertEquals("1m05s", StatusTable.duration(65_000));
        assertEquals("2h03m", StatusTable.duration((2 * 3600 + 3 * 60 + 4) * 1000L));
        assertEquals("1d01h", StatusTable.duration(25 * 3600 * 1000L));
    }
}
