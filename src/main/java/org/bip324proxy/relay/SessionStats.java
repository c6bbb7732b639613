package org.bip324proxy.relay;

/**
 * Counters of one session, updated by the relay session on the engine thread that owns it.
 * Other threads read them only through a {@link #snapshot()} taken on that thread.
 */
public final class SessionStats {
    long v1BytesIn;
    long v1BytesOut;
    long v2BytesIn;
    long v2BytesOut;
    long messagesToPeer;
    long messagesToClient;
    long decoysReceived;
    long unknownShortIds;
    long malformedTypes;
    String sessionId;
    String v1FallbackReason;
    String downgradeRefused;
    private final CommandCounts toPeerCommands = new CommandCounts();
    private final CommandCounts toClientCommands = new CommandCounts();
    private long v1FramedToPeer;
    private long v2FramedToPeer;
    private long v1FramedToClient;
    private long v2FramedFromPeer;

    /** A message relayed to the peer as a BIP324 packet of {@code v2Bytes}, {@code v1Bytes} in v1 framing. */
    void v2MessageToPeer(String command, long v1Bytes, long v2Bytes) {
        messagesToPeer++;
        toPeerCommands.add(command);
        v1FramedToPeer += v1Bytes;
        v2FramedToPeer += v2Bytes;
    }

    /** A message from the peer's BIP324 packet of {@code v2Bytes} delivered as a v1 frame of {@code v1Bytes}. */
    void v2MessageToClient(String command, long v1Bytes, long v2Bytes) {
        messagesToClient++;
        toClientCommands.add(command);
        v1FramedToClient += v1Bytes;
        v2FramedFromPeer += v2Bytes;
    }

    /** A v1 message the proxy itself framed for the peer (VERSION after v1 fallback). */
    void v1MessageToPeer(String command) {
        messagesToPeer++;
        toPeerCommands.add(command);
    }

    /** An immutable copy of the counters. */
    public TrafficStats snapshot() {
        return new TrafficStats(v1BytesIn, v1BytesOut, v2BytesIn, v2BytesOut,
                toPeerCommands.snapshot(), toClientCommands.snapshot(), decoysReceived, unknownShortIds, malformedTypes,
                v1FramedToPeer, v2FramedToPeer, v1FramedToClient, v2FramedFromPeer);
    }

    public long v1BytesIn() {
        return v1BytesIn;
    }

    public long v1BytesOut() {
        return v1BytesOut;
    }

    public long v2BytesIn() {
        return v2BytesIn;
    }

    public long v2BytesOut() {
        return v2BytesOut;
    }

    public long messagesToPeer() {
        return messagesToPeer;
    }

    public long messagesToClient() {
        return messagesToClient;
    }

    public long decoysReceived() {
        return decoysReceived;
    }

    public long unknownShortIds() {
        return unknownShortIds;
    }

    public long malformedTypes() {
        return malformedTypes;
    }

    /** The BIP324 session id in hex, once the handshake derived it. */
    public String sessionId() {
        return sessionId;
    }

    /** Why the session fell back to v1, if it did. */
    public String v1FallbackReason() {
        return v1FallbackReason;
    }

    /** The {@link V1FallbackPolicy} reason a v1 fallback was refused for, if it was. */
    public String downgradeRefused() {
        return downgradeRefused;
    }
}
