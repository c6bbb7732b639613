package org.bip324proxy.v1;

import java.util.Objects;
import org.bip324proxy.v1.V1ProtocolException.Reason;

/**
 * Bitcoin's CompactSize variable-length integer, as read by Core's {@code ReadCompactSize} with
 * its range check: 1 byte for 0..252, {@code fd}+LE16, {@code fe}+LE32, {@code ff}+LE64; the
 * shortest form is mandatory and values above {@link V1Protocol#MAX_SIZE} are rejected. Because
 * only canonical encodings are accepted, the encoded size of a value read is
 * {@link #encodedSize(long)} of it.
 */
public final class CompactSize {
    private CompactSize() {}

    /**
     * Reads a CompactSize at {@code a[off]}, not looking at or beyond {@code end}.
     *
     * @return the value, 0..{@link V1Protocol#MAX_SIZE}
     * @throws V1ProtocolException TRUNCATED_PAYLOAD if it runs past {@code end};
     *     BAD_COMPACT_SIZE if non-canonical or above MAX_SIZE
     */
    public static int read(byte[] a, int off, int end) throws V1ProtocolException {
        Objects.checkFromToIndex(off, end, a.length);
        if (off >= end) {
            throw new V1ProtocolException(Reason.TRUNCATED_PAYLOAD, "CompactSize expected at offset " + off
                    + " but the payload ends there");
        }
        int first = a[off] & 0xFF;
        if (first < 0xfd) {
            return first;
        }
        int width = first == 0xfd ? 2 : first == 0xfe ? 4 : 8;
        if (end - off - 1 < width) {
            throw new V1ProtocolException(Reason.TRUNCATED_PAYLOAD, String.format(
                    "CompactSize at offset %d has prefix 0x%02x announcing %d more bytes, only %d remain",
                    off, first, width, end - off - 1));
        }
        long value = 0;
        for (int i = width; i >= 1; i--) {
            value = value << 8 | (a[off + i] & 0xFF);
        }
        long minimum = width == 2 ? 0xfd : width == 4 ? 0x10000 : 0x100000000L;
        if (Long.compareUnsigned(value, minimum) < 0) {
            throw new V1ProtocolException(Reason.BAD_COMPACT_SIZE, String.format(
                    "non-canonical CompactSize at offset %d: value %d encoded with prefix 0x%02x",
                    off, value, first));
        }
        if (Long.compareUnsigned(value, V1Protocol.MAX_SIZE) > 0) {
            throw new V1ProtocolException(Reason.BAD_COMPACT_SIZE, "CompactSize at offset " + off + " is "
                    + Long.toUnsignedString(value) + ", above MAX_SIZE " + V1Protocol.MAX_SIZE);
        }
        return (int) value;
    }

    /** Bytes needed to encode {@code value} (treated as unsigned). */
    public static int encodedSize(long value) {
        if (Long.compareUnsigned(value, 0xfd) < 0) {
            return 1;
        } else if (Long.compareUnsigned(value, 0xffff) <= 0) {
            return 3;
        } else if (Long.compareUnsigned(value, 0xffffffffL) <= 0) {
            return 5;
        }
        return 9;
    }

    /**
     * Writes the canonical encoding of {@code value} (unsigned) at {@code dst[off]}.
     *
     * @return bytes written
     */
    public static int write(long value, byte[] dst, int off) {
        int size = encodedSize(value);
        Objects.checkFromIndexSize(off, size, dst.length);
        if (size == 1) {
            dst[off] = (byte) value;
            return 1;
        }
        dst[off] = (byte) (size == 3 ? 0xfd : size == 5 ? 0xfe : 0xff);
        for (int i = 1; i < size; i++) {
            dst[off + i] = (byte) (value >>> (8 * (i - 1)));
        }
        return size;
    }
}
