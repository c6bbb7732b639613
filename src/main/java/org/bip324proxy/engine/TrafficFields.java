package org.bip324proxy.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bip324proxy.relay.TrafficCounter;
import org.bip324proxy.relay.TrafficStats;

/** Traffic counters as log fields, named by {@link TrafficCounter#fieldName()} (as in the status document). */
final class TrafficFields {
    private TrafficFields() {
    }

    /** One connection's counters for its {@code close} line; the usually-zero ones only when not zero. */
    static Map<String, Object> closeLine(TrafficStats t) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (TrafficCounter c : TrafficCounter.values()) {
            long v = c.of(t);
            if (v != 0 || !c.usuallyZero()) {
                fields.put(c.fieldName(), v);
            }
        }
        return fields;
    }

    /** Every counter, for the totals in the {@code stopped} line. */
    static Map<String, Object> all(TrafficStats t) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (TrafficCounter c : TrafficCounter.values()) {
            fields.put(c.fieldName(), c.of(t));
        }
        return fields;
    }
}
