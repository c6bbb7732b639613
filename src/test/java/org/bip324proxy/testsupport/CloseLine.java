package org.bip324proxy.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reads a {@code close} log line the way an operator's alert would: by its {@code cause}. */
public final class CloseLine {
    private CloseLine() {}

    /** The line's {@code cause} field (a {@code relay.CloseCause} label, or {@code ok}). */
    public static String cause(LogLine close) {
        String cause = close.get("cause");
        if (cause == null) {
            throw new AssertionError("no cause field in: " + close);
        }
        return cause;
    }

    public static String cause(String closeLine) {
        return cause(LogLine.of(closeLine));
    }

    /** Asserts a close line naming {@code label} as its cause (and an error outcome unless {@code ok}). */
    public static void assertCause(String label, LogLine close) {
        assertEquals("close", close.event(), close.raw());
        assertEquals(label, cause(close), close.raw());
        close.assertField("outcome", label.equals("ok") ? "ok" : "error");
    }

    public static void assertCause(String label, String closeLine) {
        assertCause(label, LogLine.of(closeLine));
    }
}
