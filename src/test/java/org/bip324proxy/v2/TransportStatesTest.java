package org.bip324proxy.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The receive and send transition tables of {@link V2Transport} refuse moves they do not list. */
@Tag("fast")
class TransportStatesTest {
    @Test
    void receiveStatesFollowTheHandshakeInOrder() {
        RecvState s = RecvState.KEY_MAYBE_V1.moveTo(RecvState.KEY);
        s = s.moveTo(RecvState.GARB_GARBTERM).moveTo(RecvState.VERSION).moveTo(RecvState.APP);
        assertEquals(RecvState.FAILED, s.moveTo(RecvState.FAILED));
        assertEquals(RecvState.V1, RecvState.KEY_MAYBE_V1.moveTo(RecvState.V1));
    }

    @Test
    void receiveStateRefusesSkippingTheGarbageTerminator() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RecvState.KEY.moveTo(RecvState.APP));
        assertEquals("receive state cannot move from KEY to APP", e.getMessage());
    }

    @Test
    void noStateIsLeftAfterFailureOrV1() {
        for (RecvState next : RecvState.values()) {
            assertThrows(IllegalStateException.class, () -> RecvState.FAILED.moveTo(next));
            if (next != RecvState.FAILED) {
                assertThrows(IllegalStateException.class, () -> RecvState.V1.moveTo(next));
            }
        }
    }

    @Test
    void sendStatesFollowTheHandshakeInOrder() {
        assertEquals(SendState.READY, SendState.MAYBE_V1.moveTo(SendState.AWAITING_KEY).moveTo(SendState.READY));
        assertEquals(SendState.V1, SendState.MAYBE_V1.moveTo(SendState.V1));
    }

    @Test
    void sendStateRefusesReadyBeforeThePeersKey() {
        assertThrows(IllegalStateException.class, () -> SendState.MAYBE_V1.moveTo(SendState.READY));
        assertThrows(IllegalStateException.class, () -> SendState.READY.moveTo(SendState.AWAITING_KEY));
        assertThrows(IllegalStateException.class, () -> SendState.V1.moveTo(SendState.READY));
    }
}
