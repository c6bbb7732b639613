package org.bip324proxy.relay;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The traffic counters of {@link TrafficStats}, each with the one name every window uses for it:
 * the {@code close} and {@code stopped} log lines and the status document (control socket,
 * {@code status --json}, dashboard) use {@link #fieldName()}, the Prometheus text its metric family
 * and labels. The table in docs/observability.md ("One counter, its name in each window") lists
 * them; this enum is the only place the names are defined.
 */
public enum TrafficCounter {
    V1_BYTES_IN("v1_bytes_in", TrafficStats::v1BytesIn, false, Metric.bytes("v1", "in")),
    V1_BYTES_OUT("v1_bytes_out", TrafficStats::v1BytesOut, false, Metric.bytes("v1", "out")),
    V2_BYTES_IN("v2_bytes_in", TrafficStats::v2BytesIn, false, Metric.bytes("v2", "in")),
    V2_BYTES_OUT("v2_bytes_out", TrafficStats::v2BytesOut, false, Metric.bytes("v2", "out")),
    MESSAGES_TO_PEER("messages_to_peer", TrafficStats::messagesToPeerTotal, false, Metric.messages("to_peer")),
    MESSAGES_TO_CLIENT("messages_to_client", TrafficStats::messagesToClientTotal, false, Metric.messages("to_client")),
    DECOYS_RECEIVED("decoys_received", TrafficStats::decoysReceived, true,
            new Metric("decoys_received_total", "BIP324 decoy packets received from peers.", List.of())),
    UNKNOWN_SHORT_IDS_DROPPED("unknown_short_ids_dropped", TrafficStats::unknownShortIds, true,
            new Metric("unknown_short_ids_dropped_total", "Packets dropped for an unknown short message ID.", List.of())),
    MALFORMED_TYPES_DROPPED("malformed_types_dropped", TrafficStats::malformedTypes, true,
            new Metric("malformed_types_dropped_total", "Packets dropped for an empty or invalid message type.", List.of()));

    /** The byte counters, in the order of their {@code side} and {@code direction} labels. */
    public static final List<TrafficCounter> BYTES = List.of(V1_BYTES_IN, V1_BYTES_OUT, V2_BYTES_IN, V2_BYTES_OUT);

    /**
     * A Prometheus metric family and the labels that pick this counter out of it.
     *
     * @param labels label names and values, alternating
     */
    public record Metric(String family, String help, List<String> labels) {
        private static final String BYTES_HELP = "Bytes on the v1 (client) and v2 (peer) sides.";
        private static final String MESSAGES_HELP = "Messages relayed, by direction and v1 command.";

        static Metric bytes(String side, String direction) {
            return new Metric("bytes_total", BYTES_HELP, List.of("side", side, "direction", direction));
        }

        static Metric messages(String direction) {
            return new Metric("messages_total", MESSAGES_HELP, List.of("direction", direction));
        }
    }

    private final String fieldName;
    private final ToLongFunction<TrafficStats> value;
    private final boolean usuallyZero;
    private final Metric metric;

    TrafficCounter(String fieldName, ToLongFunction<TrafficStats> value, boolean usuallyZero, Metric metric) {
        this.fieldName = fieldName;
        this.value = value;
        this.usuallyZero = usuallyZero;
        this.metric = metric;
    }

    /** The name in log lines and in the status document's {@code traffic} objects. */
    public String fieldName() {
        return fieldName;
    }

    /** The counter's value in {@code t}. */
    public long of(TrafficStats t) {
        return value.applyAsLong(t);
    }

    /** Zero on almost every connection, so the {@code close} line leaves the field out when it is zero. */
    public boolean usuallyZero() {
        return usuallyZero;
    }

    /** Where the counter is in the Prometheus text; message counters are there by command ({@link #byCommand}). */
    public Metric metric() {
        return metric;
    }

    /** Whether the counter is also kept by v1 command ({@link #commands}). */
    public boolean byCommand() {
        return this == MESSAGES_TO_PEER || this == MESSAGES_TO_CLIENT;
    }

    /** The status document's name for the counts by command: {@code messages_to_peer_by_command}. */
    public String byCommandFieldName() {
        requireByCommand();
        return fieldName + "_by_command";
    }

    /** The counts by v1 command in {@code t}. */
    public Map<String, Long> commands(TrafficStats t) {
        requireByCommand();
        Function<TrafficStats, Map<String, Long>> f = this == MESSAGES_TO_PEER ? TrafficStats::messagesToPeer
                : TrafficStats::messagesToClient;
        return f.apply(t);
    }

    private void requireByCommand() {
        if (!byCommand()) {
            throw new IllegalStateException(this + " is not counted by command");
        }
    }
}
