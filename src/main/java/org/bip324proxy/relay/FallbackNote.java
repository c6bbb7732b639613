package org.bip324proxy.relay;

/**
 * What a failed BIP324 handshake says about the v1 fallback: a peer that closes, resets or stays
 * silent before its key may be a v1-only node, or an attacker dropping the handshake
 * ({@link V1FallbackPolicy}). Rendered as a parenthesised suffix of the close reason.
 */
public sealed interface FallbackNote {
    /** The suffix, starting with a space, or empty. */
    String describe();

    /** Nothing to add (not in the handshake, or the peer answered something). */
    record None() implements FallbackNote {
        @Override
        public String describe() {
            return "";
        }
    }

    /** The peer sent less than a key and no fallback was tried: it may be v1-only. */
    record MaybeV1Only() implements FallbackNote {
        @Override
        public String describe() {
            return " (the peer may only speak v1: see --v1-fallback)";
        }
    }

    /** The fallback policy refused ({@code reason} is its refusal label, e.g. {@code require_v2}). */
    record Refused(String reason) implements FallbackNote {
        @Override
        public String describe() {
            return " (v1 fallback refused: " + reason + (reason.equals(V1FallbackPolicy.REQUIRE_V2) ? ")"
                    : ": this destination is known to speak BIP324, possible downgrade attack)");
        }
    }

    /** The destination policy does not allow a fallback to this destination. */
    record NotAllowed(DestinationPolicy.Verdict verdict) implements FallbackNote {
        @Override
        public String describe() {
            return " (no v1 fallback, rule " + verdict.rule().logName() + ": " + verdict.reason() + ")";
        }
    }
}
