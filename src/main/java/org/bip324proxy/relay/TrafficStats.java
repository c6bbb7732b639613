package org.bip324proxy.relay;

import java.util.Map;
import org.bip324proxy.v1.V1Protocol;

/**
 * An immutable copy of traffic counters, of one session or summed over many.
 *
 * <p>Bytes: the v1 side is the socket that speaks v1 (an outbound session's client, an inbound
 * session's node), the v2 side the other one (for passthrough and v1 fallback it carries the
 * client's own protocol); {@link TrafficCounter} names them in logs, JSON and metrics. Framing: for every message relayed
 * over a v2 session, {@code v1Framed*} counts what the message takes in v1 framing (24-byte header +
 * payload) and {@code v2Framed*} what its BIP324 packet takes (3-byte length, header byte, message
 * type of 1 or 13 bytes, payload, 16-byte tag). The difference is the framing saving; the v2
 * handshake (keys, garbage, version packets), decoys and dropped packets are not part of it.
 */
public record TrafficStats(
        long v1BytesIn,
        long v1BytesOut,
        long v2BytesIn,
        long v2BytesOut,
        Map<String, Long> messagesToPeer,
        Map<String, Long> messagesToClient,
        long decoysReceived,
        long unknownShortIds,
        long malformedTypes,
        long v1FramedToPeer,
        long v2FramedToPeer,
        long v1FramedToClient,
        long v2FramedFromPeer) {

    public static final TrafficStats ZERO = new TrafficStats(0, 0, 0, 0, Map.of(), Map.of(), 0, 0, 0, 0, 0, 0, 0);

    public TrafficStats {
        messagesToPeer = Map.copyOf(messagesToPeer);
        messagesToClient = Map.copyOf(messagesToClient);
    }

    /** Messages sent to the peer, all commands. */
    public long messagesToPeerTotal() {
        return sum(messagesToPeer);
    }

    /** Messages sent to the client, all commands. */
    public long messagesToClientTotal() {
        return sum(messagesToClient);
    }

    /** Bytes the relayed messages would take in v1 framing ({@value V1Protocol#HEADER_SIZE}-byte header each). */
    public long v1Framed() {
        return v1FramedToPeer + v1FramedToClient;
    }

    /** Bytes the same messages took as BIP324 packets. */
    public long v2Framed() {
        return v2FramedToPeer + v2FramedFromPeer;
    }

    /** Bytes saved by v2 framing over v1 framing (negative if long-form message types dominate). */
    public long framingSaving() {
        return v1Framed() - v2Framed();
    }

    /** The saving as a percentage of the v1-framed size; 0 when nothing was relayed over v2. */
    public double framingSavingPercent() {
        return v1Framed() == 0 ? 0 : 100.0 * framingSaving() / v1Framed();
    }

    /** Counter-wise sum; the per-command counts stay capped ({@link CommandCounts#sum}). */
    public TrafficStats plus(TrafficStats o) {
        return new TrafficStats(v1BytesIn + o.v1BytesIn, v1BytesOut + o.v1BytesOut,
                v2BytesIn + o.v2BytesIn, v2BytesOut + o.v2BytesOut,
                CommandCounts.sum(messagesToPeer, o.messagesToPeer), CommandCounts.sum(messagesToClient, o.messagesToClient),
                decoysReceived + o.decoysReceived, unknownShortIds + o.unknownShortIds, malformedTypes + o.malformedTypes,
                v1FramedToPeer + o.v1FramedToPeer, v2FramedToPeer + o.v2FramedToPeer,
                v1FramedToClient + o.v1FramedToClient, v2FramedFromPeer + o.v2FramedFromPeer);
    }

    private static long sum(Map<String, Long> m) {
        long n = 0;
        for (long v : m.values()) {
            n += v;
        }
        return n;
    }
}
