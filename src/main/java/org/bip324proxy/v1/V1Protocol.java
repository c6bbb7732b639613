package org.bip324proxy.v1;

/**
 * Constants of the v1 (pre-BIP324) P2P message framing, named after their Bitcoin Core
 * counterparts ({@code src/protocol.h}, {@code src/net.h}, {@code src/serialize.h}), plus the
 * message-type ("command") validity rule shared by the decoder, encoder and sniffer.
 *
 * <p>Frame layout: {@code magic[4] | command[12] (NUL padded) | LE32 payload length |
 * checksum[4] = first 4 bytes of SHA256(SHA256(payload)) | payload}.
 */
public final class V1Protocol {
    private V1Protocol() {}

    /** Core: {@code MessageStartChars} size, the network magic. */
    public static final int MESSAGE_START_SIZE = 4;
    /** Core: {@code CMessageHeader::MESSAGE_TYPE_SIZE} (formerly COMMAND_SIZE). */
    public static final int COMMAND_SIZE = 12;
    /** Core: {@code CMessageHeader::MESSAGE_SIZE_SIZE}. */
    public static final int MESSAGE_SIZE_SIZE = 4;
    /** Core: {@code CMessageHeader::CHECKSUM_SIZE}. */
    public static final int CHECKSUM_SIZE = 4;
    /** Core: {@code CMessageHeader::HEADER_SIZE}. */
    public static final int HEADER_SIZE = MESSAGE_START_SIZE + COMMAND_SIZE + MESSAGE_SIZE_SIZE + CHECKSUM_SIZE;

    /** Offset of the command field inside the header. */
    public static final int COMMAND_OFFSET = MESSAGE_START_SIZE;
    /** Offset of the LE32 payload length inside the header. */
    public static final int LENGTH_OFFSET = COMMAND_OFFSET + COMMAND_SIZE;
    /** Offset of the checksum inside the header. */
    public static final int CHECKSUM_OFFSET = LENGTH_OFFSET + MESSAGE_SIZE_SIZE;

    /** Core: {@code MAX_PROTOCOL_MESSAGE_LENGTH}, the largest payload a peer accepts (4,000,000). */
    public static final int MAX_PROTOCOL_MESSAGE_LENGTH = 4_000_000;
    /** Alias of {@link #MAX_PROTOCOL_MESSAGE_LENGTH}. */
    public static final int MAX_PAYLOAD = MAX_PROTOCOL_MESSAGE_LENGTH;

    /** Core: {@code MAX_SUBVERSION_LENGTH}, the longest user agent in a VERSION message. */
    public static final int MAX_SUBVERSION_LENGTH = 256;

    /** Core: {@code MAX_SIZE} in serialize.h, the range limit of {@code ReadCompactSize}. */
    public static final int MAX_SIZE = 0x02000000;

    /** Whether {@code b} is allowed inside a command name: printable ASCII 0x20..0x7E. */
    static boolean isCommandChar(int b) {
        return b >= 0x20 && b <= 0x7E;
    }

    /**
     * Checks the 12-byte command field at {@code a[off..off+12)}.
     *
     * @return null when valid, otherwise a human readable explanation
     */
    static String commandProblem(byte[] a, int off) {
        int nameLength = 0;
        while (nameLength < COMMAND_SIZE && a[off + nameLength] != 0) {
            int b = a[off + nameLength] & 0xFF;
            if (!isCommandChar(b)) {
                return String.format("byte 0x%02x at index %d is not printable ASCII", b, nameLength);
            }
            nameLength++;
        }
        if (nameLength == 0) {
            return "command is empty";
        }
        for (int i = nameLength + 1; i < COMMAND_SIZE; i++) {
            if (a[off + i] != 0) {
                return String.format("non-NUL byte 0x%02x at index %d after NUL padding began at index %d",
                        a[off + i] & 0xFF, i, nameLength);
            }
        }
        return null;
    }

    /**
     * Reads the 12-byte command field at {@code a[off..off+12)} (as found in a v1 header or a
     * BIP324 long-form message type).
     *
     * @return the command, or null if the field is not 1..12 printable ASCII bytes then NULs
     */
    public static String parseCommand(byte[] a, int off) {
        if (commandProblem(a, off) != null) {
            return null;
        }
        return new String(a, off, commandLength(a, off), java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Length of the command name in a field already validated by {@link #commandProblem}. */
    static int commandLength(byte[] a, int off) {
        int n = 0;
        while (n < COMMAND_SIZE && a[off + n] != 0) {
            n++;
        }
        return n;
    }

    /**
     * Validates a command given as a String for sending.
     *
     * @throws IllegalArgumentException if it is not 1..12 printable ASCII characters
     */
    static void checkCommand(String command) {
        if (command == null) {
            throw new NullPointerException("command");
        }
        if (command.isEmpty() || command.length() > COMMAND_SIZE) {
            throw new IllegalArgumentException("command must be 1.." + COMMAND_SIZE
                    + " printable ASCII characters, got " + command.length() + ": \"" + escape(command) + "\"");
        }
        for (int i = 0; i < command.length(); i++) {
            if (!isCommandChar(command.charAt(i))) {
                throw new IllegalArgumentException(String.format(
                        "command must be printable ASCII; char U+%04X at index %d in \"%s\"",
                        (int) command.charAt(i), i, escape(command)));
            }
        }
    }

    /** Printable ASCII as-is (backslash and quote escaped), everything else as {@code \xNN}. */
    static String escape(byte[] a, int off, int len) {
        StringBuilder sb = new StringBuilder(len * 2);
        for (int i = 0; i < len; i++) {
            int b = a[off + i] & 0xFF;
            if (b == '\\' || b == '"') {
                sb.append('\\').append((char) b);
            } else if (isCommandChar(b)) {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02x", b));
            }
        }
        return sb.toString();
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == '"') {
                sb.append('\\').append(c);
            } else if (isCommandChar(c)) {
                sb.append(c);
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.toString();
    }
}
