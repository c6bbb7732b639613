package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class SourceLimitsTest {
    @Test
    void eachSourceGetsItsOwnCapAndSlotsComeBack() {
        SourceLimits limits = new SourceLimits(2);
        assertTrue(limits.tryAcquire("uid 1000"));
        assertTrue(limits.tryAcquire("uid 1000"));
        assertFalse(limits.tryAcquire("uid 1000"));
        assertEquals(2, limits.count("uid 1000"));
        assertTrue(limits.tryAcquire("uid 1001"));
        assertTrue(limits.tryAcquire("ip 10.0.0.2"));
        limits.release("uid 1000");
        assertTrue(limits.tryAcquire("uid 1000"));
        limits.release("uid 1000");
        limits.release("uid 1000");
        assertEquals(0, limits.count("uid 1000"));
        limits.release("uid 1000"); // more releases than slots never go negative
        limits.release(null);
        assertEquals(0, limits.count("uid 1000"));
        assertTrue(limits.tryAcquire("uid 1000") && limits.tryAcquire("uid 1000") && !limits.tryAcquire("uid 1000"));
    }
}
