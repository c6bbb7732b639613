package org.bip324proxy.relay;

import java.util.Locale;
import org.bip324proxy.relay.RelaySession.Direction;

/**
 * Where a relay session ({@link ProxySession} outbound, {@link InboundSession} inbound) is; the
 * engine arms the matching timeout. The tables of allowed moves are written on the two sessions.
 */
public enum Phase {
    FIRST_MESSAGE, CONNECTING, HANDSHAKE, RELAY, CLOSED;

    /**
     * Returns {@code next} if the table of {@link ProxySession} (outbound) or {@link InboundSession}
     * lists the move from this phase; throws {@link IllegalStateException} otherwise.
     */
    Phase moveTo(Phase next, Direction direction) {
        boolean outbound = direction == Direction.OUTBOUND;
        boolean allowed = switch (this) {
            case FIRST_MESSAGE -> next == CONNECTING || next == CLOSED;
            case CONNECTING -> next == HANDSHAKE || next == RELAY || next == CLOSED || outbound && next == FIRST_MESSAGE;
            case HANDSHAKE -> next == RELAY || next == CLOSED || outbound && next == CONNECTING;
            case RELAY -> next == CLOSED;
            case CLOSED -> false;
        };
        if (!allowed) {
            throw new IllegalStateException(direction.logName() + " session cannot move from " + this + " to " + next);
        }
        return next;
    }

    /** The name in logs, the status document and metrics: {@code first_message}. */
    public String logName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
