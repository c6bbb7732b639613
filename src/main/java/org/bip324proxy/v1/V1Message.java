package org.bip324proxy.v1;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One decoded v1 message: a command and a payload that lives in {@code array()[offset(),
 * offset()+length())} without having been copied out of the array the decoder filled.
 *
 * <p>The array has {@link #headroom()} spare bytes before the payload and {@link #tailroom()}
 * after it, so a later stage can frame the payload for another transport (for BIP324: the
 * packet header and message-type bytes in front, the AEAD tag behind) inside the same array.
 * The message owns its array exclusively; whoever consumes it may overwrite the head- and
 * tailroom. Not thread-safe to mutate while shared.
 *
 * <p>{@link #equals} compares the command and the payload bytes only, never the spare room.
 */
public final class V1Message {
    private final String command;
    private final byte[] array;
    private final int offset;
    private final int length;
    /** Non-null if the decoder left the checksum unchecked. */
    private final DeferredChecksum unverifiedChecksum;

    /**
     * Wraps an existing array; no copy is made. The command must be valid (1..12 printable ASCII).
     */
    public V1Message(String command, byte[] array, int offset, int length) {
        V1Protocol.checkCommand(command);
        Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(array, "array").length);
        this.command = command;
        this.array = array;
        this.offset = offset;
        this.length = length;
        this.unverifiedChecksum = null;
    }

    /** For the decoder: command and bounds already validated. */
    V1Message(String command, byte[] array, int offset, int length, DeferredChecksum unverifiedChecksum) {
        this.command = command;
        this.array = array;
        this.offset = offset;
        this.length = length;
        this.unverifiedChecksum = unverifiedChecksum;
    }

    /** A message holding a copy of {@code payload}, without spare room. Convenience for tests and callers outside the relay path. */
    public static V1Message of(String command, byte[] payload) {
        return new V1Message(command, payload.clone(), 0, payload.length);
    }

    public String command() {
        return command;
    }

    /** Whether the command equals {@code name}. */
    public boolean isCommand(String name) {
        return command.equals(name);
    }

    /** The backing array (not a copy). */
    public byte[] array() {
        return array;
    }

    /** Index of the first payload byte in {@link #array()}; equals {@link #headroom()}. */
    public int offset() {
        return offset;
    }

    /** Payload length in bytes. */
    public int length() {
        return length;
    }

    /**
     * The checksum check the decoder left for later ({@link V1FrameDecoder#deferChecksumsFrom}):
     * until it has run and passed, the payload is unverified and must be kept unchanged.
     */
    public Optional<DeferredChecksum> unverifiedChecksum() {
        return Optional.ofNullable(unverifiedChecksum);
    }

    /** Spare bytes before the payload. */
    public int headroom() {
        return offset;
    }

    /** Spare bytes after the payload. */
    public int tailroom() {
        return array.length - offset - length;
    }

    /** A ByteBuffer view of the payload only (position 0, limit {@code length()}), sharing the array. */
    public ByteBuffer payloadBuffer() {
        return ByteBuffer.wrap(array, offset, length).slice();
    }

    /** A fresh copy of the payload bytes. */
    public byte[] copyPayload() {
        return Arrays.copyOfRange(array, offset, offset + length);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof V1Message)) {
            return false;
        }
        V1Message m = (V1Message) o;
        return command.equals(m.command)
                && Arrays.equals(array, offset, offset + length, m.array, m.offset, m.offset + m.length);
    }

    @Override
    public int hashCode() {
        int h = command.hashCode();
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + array[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return "V1Message[" + command + ", " + length + " bytes]";
    }
}
