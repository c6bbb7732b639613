package org.bip324proxy.engine;

/** An exception as one line of text for a log field or a close reason. */
final class ErrorText {
    private ErrorText() {}

    /** The exception's message, or its class name when it has none. */
    static String of(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
