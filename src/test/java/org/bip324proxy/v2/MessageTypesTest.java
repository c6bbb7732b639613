package org.bip324proxy.v2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BIP324 "v2 Bitcoin P2P message structure": short IDs 1..28 and the 13-byte long form. */
@Tag("fast")
class MessageTypesTest {

    @Test
    void shortIdsFollowTheBipTable() {
        // Spot checks against BIP324's table (first, last and a few in between).
        assertEquals(1, MessageTypes.shortId("addr"));
        assertEquals(18, MessageTypes.shortId("ping"));
        assertEquals(19, MessageTypes.shortId("pong"));
        assertEquals(21, MessageTypes.shortId("tx"));
        assertEquals(28, MessageTypes.shortId("addrv2"));
        for (int id = 1; id <= MessageTypes.MAX_KNOWN_SHORT_ID; id++) {
            String command = MessageTypes.command(id);
            assertEquals(id, MessageTypes.shortId(command), command);
            byte[] buf = new byte[3];
            assertEquals(2, MessageTypes.writeBefore(command, buf, 3));
            assertEquals(id, buf[2] & 0xff);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 29, 30, 32, 33, 127, 128, 255})
    void idsOutsideOneTo28AreUnknownNotFatal(int id) {
        assertNull(MessageTypes.command(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"version", "verack", "sendaddrv2", "wtxidrelay", "getaddr", "sendheaders"})
    void commandsWithoutShortIdUseTheNulPaddedLongForm(String command) {
        assertEquals(0, MessageTypes.shortId(command));
        assertEquals(MessageTypes.LONG_FORM_LEN, MessageTypes.encodedLength(command));
        byte[] buf = new byte[20];
        Arrays.fill(buf, (byte) 0x55);
        int start = MessageTypes.writeBefore(command, buf, 20);
        assertEquals(20 - MessageTypes.LONG_FORM_LEN, start);
        byte[] expected = new byte[MessageTypes.LONG_FORM_LEN];
        byte[] ascii = command.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ascii, 0, expected, 1, ascii.length);
        assertArrayEquals(expected, Arrays.copyOfRange(buf, start, 20));
        assertEquals(0x55, buf[start - 1], "wrote before its range");
    }

    @Test
    void overlongCommandIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MessageTypes.writeBefore("thirteenchars", new byte[20], 20));
        assertEquals("command must be 1..12 bytes: 'thirteenchars'", e.getMessage());
    }
}
