package org.bip324proxy.v2;

/** The peer broke the BIP324 protocol; the session is over. {@link #reason()} says how. */
public final class V2ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, for logs and statistics. */
    public enum Reason {
        /** No garbage terminator within 4095 garbage bytes + 16: not BIP324, or another network. */
        GARBAGE_TERMINATOR_NOT_FOUND,
        /** A packet failed Poly1305 authentication: tampering, corruption or desynchronisation. */
        AUTHENTICATION_FAILED,
        /** A packet announced more contents than the configured maximum. */
        OVERSIZED_PACKET,
        /** The peer sent a v1 VERSION header for a different network magic. */
        WRONG_NETWORK
    }

    private final Reason reason;

    public V2ProtocolException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
