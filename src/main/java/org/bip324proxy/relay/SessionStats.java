package org.bip324proxy.relay;

/** Counters of one session, for the connection log line (and later the control socket). */
public final class SessionStats {
    long clientBytesIn;
    long clientBytesOut;
    long peerBytesIn;
    long peerBytesOut;
    long messagesToPeer;
    long messagesToClient;
    long decoysReceived;
    long unknownShortIds;
    long malformedTypes;
    String sessionId;
    String v1FallbackReason;

    public long clientBytesIn() {
        return clientBytesIn;
    }

    public long clientBytesOut() {
        return clientBytesOut;
    }

    public long peerBytesIn() {
        return peerBytesIn;
    }

    public long peerBytesOut() {
        return peerBytesOut;
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
}
