package org.bip324proxy.relay;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Messages counted by v1 command name. A v2 peer can send long-form message types with any
 * 12-character name (BIP324, "v2 Bitcoin P2P message structure"), so at most {@link #MAX_NAMES}
 * distinct names are kept; names first seen after that are counted under {@link #OTHER}.
 */
public final class CommandCounts {
    public static final int MAX_NAMES = 64;
    public static final String OTHER = "(other)";

    private final Map<String, long[]> counts = new HashMap<>();

    void add(String command) {
        long[] c = counts.get(command);
        if (c == null) {
            c = counts.computeIfAbsent(counts.size() < MAX_NAMES ? command : OTHER, k -> new long[1]);
        }
        c[0]++;
    }

    /** An immutable, name-sorted copy. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v[0]));
        return Collections.unmodifiableMap(out);
    }
}
