package org.bip324proxy.log;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Where a Throwable was thrown, as one log field: its innermost stack frames. */
public final class StackTop {
    /** Frames kept: enough to see the failing method and its callers in the proxy. */
    static final int FRAMES = 6;

    private StackTop() {}

    /** The innermost frames of {@code e}, innermost first, separated by {@code " < "}. */
    public static String of(Throwable e) {
        StackTraceElement[] trace = e.getStackTrace();
        if (trace.length == 0) {
            return "(no stack trace)";
        }
        return Arrays.stream(trace).limit(FRAMES).map(StackTraceElement::toString).collect(Collectors.joining(" < "));
    }
}
