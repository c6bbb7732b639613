package org.bip324proxy.engine;

import java.io.Closeable;
import java.io.IOException;

/** Closing what may already be broken, where a failure to close changes nothing. */
final class Quietly {
    private Quietly() {}

    /** Closes {@code c}, ignoring an error (the socket or selector is gone either way). */
    static void close(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already broken or closed; nothing more to do
        }
    }
}
