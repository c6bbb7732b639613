package org.bip324proxy.v1;

import static org.bip324proxy.v1.V1Protocol.CHECKSUM_OFFSET;
import static org.bip324proxy.v1.V1Protocol.COMMAND_OFFSET;
import static org.bip324proxy.v1.V1Protocol.COMMAND_SIZE;
import static org.bip324proxy.v1.V1Protocol.HEADER_SIZE;
import static org.bip324proxy.v1.V1Protocol.LENGTH_OFFSET;
import static org.bip324proxy.v1.V1Protocol.MAX_PROTOCOL_MESSAGE_LENGTH;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.bip324proxy.bytes.Endian;

/**
 * Writes v1 message headers: magic, NUL-padded command, LE32 payload length and the checksum
 * (first 4 bytes of SHA256d of the payload). The payload itself is never copied by
 * {@link #writeHeader}; {@link #frame} is a copying convenience.
 *
 * <p>Argument errors (invalid command, payload over {@value V1Protocol#MAX_PROTOCOL_MESSAGE_LENGTH}
 * bytes, bad bounds) throw {@link IllegalArgumentException} / {@link IndexOutOfBoundsException}:
 * they are bugs of the caller, not of a peer.
 *
 * <p>One SHA-256 instance per encoder; not thread-safe.
 */
public final class V1FrameEncoder {
    private final Network network;
    private final Sha256d hash = new Sha256d();
    /** Staging for buffers without an accessible array (direct or read-only). */
    private final byte[] scratch = new byte[HEADER_SIZE];

    public V1FrameEncoder(Network network) {
        this.network = Objects.requireNonNull(network, "network");
    }

    public Network network() {
        return network;
    }

    /**
     * Writes the 24-byte header for {@code payload[off..off+len)} into {@code dst[dstOff..dstOff+24)}.
     * {@code dst} may be the payload's own array (e.g. its headroom, when it has at least 24
     * bytes) as long as the two ranges do not overlap.
     *
     * @return {@link V1Protocol#HEADER_SIZE}
     */
    public int writeHeader(String command, byte[] payload, int off, int len, byte[] dst, int dstOff) {
        writeHeaderFields(command, payload, off, len, dst, dstOff);
        int checksum = hash.checksum(payload, off, len);
        Endian.putBe32(dst, dstOff + CHECKSUM_OFFSET, checksum);
        return HEADER_SIZE;
    }

    /**
     * As {@link #writeHeader(String, byte[], int, int, byte[], int)}, but leaves the checksum field
     * to the returned job, which may run on another thread; the header is incomplete until it has.
     */
    public DeferredChecksum writeHeaderDeferringChecksum(String command, byte[] payload, int off, int len, byte[] dst,
            int dstOff) {
        writeHeaderFields(command, payload, off, len, dst, dstOff);
        if (dst != payload) {
            throw new IllegalArgumentException("a deferred checksum is written into the payload's own array");
        }
        return DeferredChecksum.write(command, payload, off, len, dstOff + CHECKSUM_OFFSET);
    }

    /** Magic, command and length; checks the arguments. */
    private void writeHeaderFields(String command, byte[] payload, int off, int len, byte[] dst, int dstOff) {
        checkArguments(command, payload, off, len);
        Objects.checkFromIndexSize(dstOff, HEADER_SIZE, dst.length);
        if (dst == payload && dstOff < off + len && off < dstOff + HEADER_SIZE) {
            throw new IllegalArgumentException("header range [" + dstOff + ", " + (dstOff + HEADER_SIZE)
                    + ") overlaps the payload [" + off + ", " + (off + len) + ")");
        }
        network.writeMagic(dst, dstOff);
        int c = dstOff + COMMAND_OFFSET;
        for (int i = 0; i < COMMAND_SIZE; i++) {
            dst[c + i] = i < command.length() ? (byte) command.charAt(i) : 0;
        }
        Endian.putLe32(dst, dstOff + LENGTH_OFFSET, len);
    }

    /** Puts the 24-byte header at {@code out}'s position, advancing it. */
    public void writeHeader(String command, byte[] payload, int off, int len, ByteBuffer out) {
        if (out.hasArray() && !out.isReadOnly()) {
            if (out.remaining() < HEADER_SIZE) {
                throw new java.nio.BufferOverflowException();
            }
            int at = out.arrayOffset() + out.position();
            writeHeader(command, payload, off, len, out.array(), at);
            out.position(out.position() + HEADER_SIZE);
        } else {
            if (out.remaining() < HEADER_SIZE) {
                throw new java.nio.BufferOverflowException();
            }
            writeHeader(command, payload, off, len, scratch, 0);
            out.put(scratch);
        }
    }

    /** A new 24-byte header array. */
    public byte[] header(String command, byte[] payload, int off, int len) {
        byte[] h = new byte[HEADER_SIZE];
        writeHeader(command, payload, off, len, h, 0);
        return h;
    }

    /** A new array holding the complete frame: header followed by a copy of the payload. */
    public byte[] frame(String command, byte[] payload, int off, int len) {
        checkArguments(command, payload, off, len);
        byte[] f = new byte[HEADER_SIZE + len];
        writeHeader(command, payload, off, len, f, 0);
        System.arraycopy(payload, off, f, HEADER_SIZE, len);
        return f;
    }

    /** {@link #frame(String, byte[], int, int)} of a whole array. */
    public byte[] frame(String command, byte[] payload) {
        return frame(command, payload, 0, payload.length);
    }

    /** {@link #frame(String, byte[], int, int)} of a decoded message (e.g. to relay it unchanged). */
    public byte[] frame(V1Message message) {
        return frame(message.command(), message.array(), message.offset(), message.length());
    }

    private static void checkArguments(String command, byte[] payload, int off, int len) {
        V1Protocol.checkCommand(command);
        Objects.requireNonNull(payload, "payload");
        Objects.checkFromIndexSize(off, len, payload.length);
        if (len > MAX_PROTOCOL_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("payload of \"" + command + "\" is " + len
                    + " bytes; the limit is " + MAX_PROTOCOL_MESSAGE_LENGTH + " (MAX_PROTOCOL_MESSAGE_LENGTH)");
        }
    }
}
