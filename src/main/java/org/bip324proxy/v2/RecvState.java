package org.bip324proxy.v2;

/**
 * What a {@link V2Transport} expects next from its peer (Bitcoin Core's V2Transport::RecvState).
 * Allowed transitions, enforced by {@link #moveTo}:
 * <pre>
 * KEY_MAYBE_V1  -> KEY            responder: a byte differs from the v1 prefix (we then answer)
 * KEY_MAYBE_V1  -> V1             responder: all 16 prefix bytes match our network's v1 VERSION
 * KEY           -> GARB_GARBTERM  all 64 key bytes received; keys derived
 * GARB_GARBTERM -> VERSION        garbage terminator found within 4095 + 16 bytes
 * VERSION       -> APP            first non-decoy packet (the peer's version packet) received
 * any but FAILED -> FAILED        on a protocol error (V2ProtocolException)
 * </pre>
 * Initiators start in KEY, responders in KEY_MAYBE_V1.
 */
enum RecvState {
    KEY_MAYBE_V1, KEY, GARB_GARBTERM, VERSION, APP, V1, FAILED;

    /** Returns {@code next} if the table above allows moving there from this state. */
    RecvState moveTo(RecvState next) {
        boolean allowed = switch (this) {
            case KEY_MAYBE_V1 -> next == KEY || next == V1 || next == FAILED;
            case KEY -> next == GARB_GARBTERM || next == FAILED;
            case GARB_GARBTERM -> next == VERSION || next == FAILED;
            case VERSION -> next == APP || next == FAILED;
            case APP, V1 -> next == FAILED;
            case FAILED -> false;
        };
        if (!allowed) {
            throw new IllegalStateException("receive state cannot move from " + this + " to " + next);
        }
        return next;
    }
}
