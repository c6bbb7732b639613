package org.bip324proxy.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a text-format {@code close} log line the way an operator's alert would: by its {@code cause}. */
public final class CloseLine {
    private static final Pattern CAUSE = Pattern.compile(" cause=(\\S+)");

    private CloseLine() {}

    /** The line's {@code cause} field (a {@code relay.CloseCause} label, or {@code ok}). */
    public static String cause(String closeLine) {
        Matcher m = CAUSE.matcher(closeLine);
        if (!m.find()) {
            throw new AssertionError("no cause field in: " + closeLine);
        }
        return m.group(1);
    }

    /** Asserts the close line names {@code label} as its cause (and an error outcome unless {@code ok}). */
    public static void assertCause(String label, String closeLine) {
        assertEquals(label, cause(closeLine), closeLine);
        assertEquals(label.equals("ok"), closeLine.contains(" outcome=ok "), closeLine);
    }
}
