package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.bip324proxy.relay.Phase;
import org.bip324proxy.relay.RelaySession.Direction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The phase transition tables of both sessions refuse moves they do not list. */
@Tag("fast")
class SessionPhasesTest {
    @Test
    void outboundPhasesFollowTheTable() {
        Phase p = Phase.FIRST_MESSAGE.moveTo(Phase.CONNECTING, Direction.OUTBOUND);
        p = p.moveTo(Phase.HANDSHAKE, Direction.OUTBOUND).moveTo(Phase.CONNECTING, Direction.OUTBOUND);
        assertEquals(Phase.CLOSED, p.moveTo(Phase.RELAY, Direction.OUTBOUND).moveTo(Phase.CLOSED, Direction.OUTBOUND));
        assertEquals(Phase.FIRST_MESSAGE, Phase.CONNECTING.moveTo(Phase.FIRST_MESSAGE, Direction.OUTBOUND));
    }

    @Test
    void anIllegalMoveThrows() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Phase.RELAY.moveTo(Phase.HANDSHAKE, Direction.OUTBOUND));
        assertEquals("outbound session cannot move from RELAY to HANDSHAKE", e.getMessage());
        assertThrows(IllegalStateException.class, () -> Phase.FIRST_MESSAGE.moveTo(Phase.RELAY, Direction.OUTBOUND));
    }

    @Test
    void nothingLeavesClosed() {
        for (Phase next : Phase.values()) {
            assertThrows(IllegalStateException.class, () -> Phase.CLOSED.moveTo(next, Direction.OUTBOUND));
            assertThrows(IllegalStateException.class, () -> Phase.CLOSED.moveTo(next, Direction.INBOUND));
        }
    }

    @Test
    void inboundHasNeitherTheSocksNorTheFallbackMoves() {
        assertThrows(IllegalStateException.class, () -> Phase.CONNECTING.moveTo(Phase.FIRST_MESSAGE, Direction.INBOUND));
        assertThrows(IllegalStateException.class, () -> Phase.HANDSHAKE.moveTo(Phase.CONNECTING, Direction.INBOUND));
        assertEquals(Phase.RELAY, Phase.CONNECTING.moveTo(Phase.RELAY, Direction.INBOUND));
    }
}
