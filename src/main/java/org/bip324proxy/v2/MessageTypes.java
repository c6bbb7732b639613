package org.bip324proxy.v2;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * BIP324 message types ("v2 Bitcoin P2P message structure"): a packet's contents start with either
 * a 1-byte short ID, or 0x00 followed by the 12-byte NUL-padded v1 command. Short IDs 1..28 are
 * the ones Bitcoin Core assigns; IDs 29 and above are not used for sending and are reported as
 * unknown on receipt (Core drops them without disconnecting).
 */
public final class MessageTypes {
    /** Length of the long form: a 0x00 marker plus the 12-byte command. */
    public static final int LONG_FORM_LEN = 13;
    public static final int COMMAND_LEN = 12;
    /** Highest short ID this implementation maps. */
    public static final int MAX_KNOWN_SHORT_ID = 28;

    /** Index = short ID; entry 0 is the long-form marker. Order fixed by BIP324's table. */
    private static final String[] BY_ID = {
        null, "addr", "block", "blocktxn", "cmpctblock", "feefilter", "filteradd", "filterclear",
        "filterload", "getblocks", "getblocktxn", "getdata", "getheaders", "headers", "inv", "mempool",
        "merkleblock", "notfound", "ping", "pong", "sendcmpct", "tx", "getcfilters", "cfilter",
        "getcfheaders", "cfheaders", "getcfcheckpt", "cfcheckpt", "addrv2",
    };
    private static final Map<String, Integer> BY_COMMAND = new HashMap<>();

    static {
        for (int id = 1; id < BY_ID.length; id++) {
            BY_COMMAND.put(BY_ID[id], id);
        }
    }

    private MessageTypes() {}

    /** The short ID for a v1 command, or 0 if it has none and must use the long form. */
    public static int shortId(String command) {
        return BY_COMMAND.getOrDefault(command, 0);
    }

    /** The v1 command of a short ID 1..28, or null for an unknown ID. */
    public static String command(int shortId) {
        return shortId >= 1 && shortId <= MAX_KNOWN_SHORT_ID ? BY_ID[shortId] : null;
    }

    /** Bytes the message type of {@code command} takes in a packet: 1 or {@value #LONG_FORM_LEN}. */
    public static int encodedLength(String command) {
        return shortId(command) != 0 ? 1 : LONG_FORM_LEN;
    }

    /**
     * Writes the message type for {@code command} (a valid v1 command of at most 12 ASCII bytes)
     * ending exactly at {@code end}: {@code buf[end - encodedLength(command) .. end)}.
     *
     * @return the offset where the message type starts
     */
    public static int writeBefore(String command, byte[] buf, int end) {
        int id = shortId(command);
        if (id != 0) {
            buf[end - 1] = (byte) id;
            return end - 1;
        }
        int start = end - LONG_FORM_LEN;
        buf[start] = 0;
        byte[] ascii = command.getBytes(StandardCharsets.US_ASCII);
        if (ascii.length == 0 || ascii.length > COMMAND_LEN) {
            throw new IllegalArgumentException("command must be 1.." + COMMAND_LEN + " bytes: '" + command + "'");
        }
        System.arraycopy(ascii, 0, buf, start + 1, ascii.length);
        for (int i = start + 1 + ascii.length; i < end; i++) {
            buf[i] = 0;
        }
        return start;
    }
}
