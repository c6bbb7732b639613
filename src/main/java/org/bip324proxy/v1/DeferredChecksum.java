package org.bip324proxy.v1;

import java.util.Objects;
import org.bip324proxy.bytes.Endian;

/**
 * The v1 checksum of one large payload (first 4 bytes of SHA256d), computed later and possibly on
 * another thread, so an event loop does not spend its time hashing megabyte blocks. Either
 * verifies a checksum a client sent, or writes a fresh one into a header that was left without
 * it. The payload bytes (and, when writing, the 4 checksum bytes) must not be touched by anyone
 * else until {@link #run()} has returned; the caller hands the job over and back through a
 * thread-safe queue, which also publishes what it wrote.
 */
public final class DeferredChecksum {
    private final String command;
    private final byte[] array;
    private final int offset;
    private final int length;
    /** VERIFY: the checksum from the header, wire order. */
    private final int expected;
    /** WRITE: index of the header's checksum field; -1 to verify. */
    private final int checksumAt;

    private DeferredChecksum(String command, byte[] array, int offset, int length, int expected, int checksumAt) {
        this.command = Objects.requireNonNull(command);
        Objects.checkFromIndexSize(offset, length, array.length);
        this.array = array;
        this.offset = offset;
        this.length = length;
        this.expected = expected;
        this.checksumAt = checksumAt;
    }

    /** A job that checks {@code payload[offset..offset+length)} against a header's checksum. */
    static DeferredChecksum verify(String command, byte[] array, int offset, int length, int expected) {
        return new DeferredChecksum(command, array, offset, length, expected, -1);
    }

    /** A job that writes the payload's checksum at {@code array[checksumAt..checksumAt+4)}. */
    static DeferredChecksum write(String command, byte[] array, int offset, int length, int checksumAt) {
        Objects.checkFromIndexSize(checksumAt, 4, array.length);
        return new DeferredChecksum(command, array, offset, length, 0, checksumAt);
    }

    /** Payload bytes to hash: what this job costs. */
    public int length() {
        return length;
    }

    /**
     * Hashes the payload: writes the checksum, or verifies it. Safe on any thread; call once.
     *
     * @throws V1ProtocolException ({@link V1ProtocolException.Reason#BAD_CHECKSUM}) if verifying failed
     */
    public void run() throws V1ProtocolException {
        int computed = new Sha256d().checksum(array, offset, length);
        if (checksumAt >= 0) {
            Endian.putBe32(array, checksumAt, computed);
        } else if (computed != expected) {
            throw V1FrameDecoder.badChecksum(command, length, expected, computed);
        }
    }
}
