package org.bip324proxy.engine;

import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops accepting on every listener for a while after an accept failed (typically EMFILE or
 * ENFILE), instead of spinning on a listener that stays readable. Used on the accepting loop's
 * thread only. A listener may be closed meanwhile, from another thread (shutdown): its key is then
 * cancelled and skipped.
 */
final class AcceptPause {
    private final long pauseNanos;
    private final List<SelectionKey> keys = new ArrayList<>();
    private boolean paused;
    private long until;

    AcceptPause(long pauseNanos) {
        this.pauseNanos = pauseNanos;
    }

    /** A listener's accept key, to pause and resume with the others. */
    void add(SelectionKey key) {
        keys.add(key);
    }

    long pauseMillis() {
        return pauseNanos / 1_000_000;
    }

    /** Stops accepting on all listeners until {@code now} (System.nanoTime) plus the pause. */
    void pause(long now) {
        paused = true;
        until = now + pauseNanos;
        keys.forEach(k -> setInterest(k, 0));
    }

    /** Called regularly (the loop's tick): accepts again once the pause is over. */
    void resumeIfDue(long now) {
        if (paused && now - until >= 0) {
            paused = false;
            keys.forEach(k -> setInterest(k, SelectionKey.OP_ACCEPT));
        }
    }

    private static void setInterest(SelectionKey key, int ops) {
        try {
            key.interestOps(ops);
        } catch (java.nio.channels.CancelledKeyException closed) {
            // its listener was closed (the check-then-act of isValid() would race with the closing thread)
        }
    }
}
