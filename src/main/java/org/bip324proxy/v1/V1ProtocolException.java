package org.bip324proxy.v1;

import java.util.Objects;

/**
 * The peer sent bytes that violate the v1 P2P protocol.
 *
 * <p>Checked on purpose: malformed input from the other end of a socket is an expected runtime
 * condition, not a programming error, and every call site on the relay path must decide what to
 * do with the connection (close it, log it, or fall back to passing bytes through untouched).
 * Misuse of the API itself (bad arguments, calling a dead decoder) throws the usual unchecked
 * {@link IllegalArgumentException} / {@link IllegalStateException} instead.
 */
public class V1ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What was wrong. Framing reasons come from {@link V1FrameDecoder}; payload reasons from payload parsers. */
    public enum Reason {
        /**
         * The 4-byte network magic differs from the expected one. Core disconnects
         * ("Header error: Wrong MessageStart").
         */
        BAD_MAGIC(true),
        /**
         * The 12-byte command is not 1..12 printable ASCII bytes followed only by NUL padding.
         * Note: Core only drops such a message and keeps the connection (and accepts an all-NUL
         * command); this decoder is stricter and treats it as fatal.
         */
        BAD_COMMAND(true),
        /**
         * The header announces a payload above {@link V1Protocol#MAX_PROTOCOL_MESSAGE_LENGTH}.
         * Core disconnects ("Header error: Size too large").
         */
        OVERSIZED_PAYLOAD(true),
        /**
         * The checksum in the header differs from SHA256d of the payload. Note: Core only drops
         * such a message and keeps the connection; this decoder treats it as fatal.
         */
        BAD_CHECKSUM(true),
        /** A payload ended before a field it must contain (VERSION fields, a CompactSize, a string). */
        TRUNCATED_PAYLOAD(false),
        /** A CompactSize is not canonically encoded or exceeds {@link V1Protocol#MAX_SIZE} (Core's ReadCompactSize range check). */
        BAD_COMPACT_SIZE(false),
        /** A VERSION user agent is longer than {@link V1Protocol#MAX_SUBVERSION_LENGTH}. */
        USER_AGENT_TOO_LONG(false);

        private final boolean framing;

        Reason(boolean framing) {
            this.framing = framing;
        }

        /** True for errors in the v1 frame itself (the stream is unusable), false for errors inside one payload. */
        public boolean isFraming() {
            return framing;
        }
    }

    private final Reason reason;

    public V1ProtocolException(Reason reason, String detail) {
        super(Objects.requireNonNull(reason, "reason") + ": " + detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
