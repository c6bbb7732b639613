package org.bip324proxy.relay;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Bytes a session keeps until they can be passed on (the client's first bytes while the sniffer
 * decides, what arrives while the peer is dialled or before packets can be encrypted). The array
 * grows by doubling; its whole length is what the memory budget counts.
 */
final class HeldBytes {
    private byte[] bytes;
    private int length;

    HeldBytes(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    /** Takes all of {@code in}. */
    void append(ByteBuffer in) {
        int n = in.remaining();
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
        }
        in.get(bytes, length, n);
        length += n;
    }

    /** The held bytes, as a view (no copy). */
    ByteBuffer view() {
        return ByteBuffer.wrap(bytes, 0, length);
    }

    int length() {
        return length;
    }

    /** Heap held: the whole array. */
    long heldBytes() {
        return bytes.length;
    }
}
