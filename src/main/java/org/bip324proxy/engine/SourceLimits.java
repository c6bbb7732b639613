package org.bip324proxy.engine;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Live connections per client source, so one user or host cannot take every slot of
 * {@code --max-connections}. A source is a local user (uid) where the kernel tells, else the
 * client's IP address. Entries exist only while a source has connections: at most one per live
 * connection. Thread-safe: the accepting loop acquires, each connection's loop releases.
 */
final class SourceLimits {
    private final int perSource;
    private final ConcurrentHashMap<String, Integer> live = new ConcurrentHashMap<>();

    SourceLimits(int perSource) {
        this.perSource = perSource;
    }

    /** Takes a slot for {@code source}; false (and nothing taken) when it already has {@code perSource}. */
    boolean tryAcquire(String source) {
        boolean[] taken = {false};
        live.compute(source, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= perSource) {
                return n;
            }
            taken[0] = true;
            return count + 1;
        });
        return taken[0];
    }

    /** Returns a slot taken by {@link #tryAcquire}; null (no slot) is ignored. */
    void release(String source) {
        if (source == null) {
            return;
        }
        live.computeIfPresent(source, (k, n) -> n > 1 ? n - 1 : null);
    }

    /** Live connections of {@code source}. */
    int count(String source) {
        return live.getOrDefault(source, 0);
    }

    int perSource() {
        return perSource;
    }
}
