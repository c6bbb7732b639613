package org.bip324proxy.v2;

/**
 * What a {@link V2Transport} may send (Bitcoin Core's V2Transport::SendState). Allowed
 * transitions, enforced by {@link #moveTo}:
 * <pre>
 * MAYBE_V1     -> AWAITING_KEY   responder: peer is v2; our key + garbage queued
 * MAYBE_V1     -> V1             responder: peer is v1; nothing was or will be sent
 * AWAITING_KEY -> READY          peer key received; terminator + version packet queued
 * </pre>
 * Initiators start in AWAITING_KEY with key + garbage queued, responders in MAYBE_V1. Only READY
 * may encrypt.
 */
enum SendState {
    MAYBE_V1, AWAITING_KEY, READY, V1;

    /** Returns {@code next} if the table above allows moving there from this state. */
    SendState moveTo(SendState next) {
        boolean allowed = switch (this) {
            case MAYBE_V1 -> next == AWAITING_KEY || next == V1;
            case AWAITING_KEY -> next == READY;
            case READY, V1 -> false;
        };
        if (!allowed) {
            throw new IllegalStateException("send state cannot move from " + this + " to " + next);
        }
        return next;
    }
}
