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

    /**
     * The sum of two counts by name, capped the same way: names of {@code b} that {@code a} lacks
     * are kept while fewer than {@link #MAX_NAMES} names are, later ones go to {@link #OTHER}. So
     * totals over any number of sessions stay as bounded as one session's.
     */
    public static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> out = new TreeMap<>(a);
        new TreeMap<>(b).forEach((name, n) -> out.merge(out.containsKey(name) || out.size() < MAX_NAMES ? name : OTHER, n, Long::sum));
        return out;
    }

    /** An immutable, name-sorted copy. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v[0]));
        return Collections.unmodifiableMap(out);
    }
}
