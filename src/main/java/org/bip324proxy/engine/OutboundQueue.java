package org.bip324proxy.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * Bytes waiting to be written to one socket. Writes are gathered (many small messages per
 * syscall) but capped per call, so a 4 MB message never needs a 4 MB temporary direct buffer.
 * A buffer added with {@link #addHeld} is not written (nor anything after it) until it is
 * {@link #release released}: its checksum is still being computed on another thread.
 */
final class OutboundQueue {
    /** Most bytes handed to one write call. */
    static final int MAX_BYTES_PER_WRITE = 256 * 1024;
    private static final int MAX_BUFFERS_PER_WRITE = 64;

    private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
    /**
     * Buffers in {@link #buffers} that may not be written yet, compared by identity; few at a time,
     * and no memory while empty (an idle connection has two queues).
     */
    private final ArrayList<ByteBuffer> held = new ArrayList<>(0);
    private final ByteBuffer[] batch = new ByteBuffer[MAX_BUFFERS_PER_WRITE];
    private long bytes;

    void add(ByteBuffer b) {
        if (b.hasRemaining()) {
            buffers.add(b);
            bytes += b.remaining();
        }
    }

    /** Queues {@code b} but writes nothing from it on until {@link #release(ByteBuffer)}. */
    void addHeld(ByteBuffer b) {
        add(b);
        if (b.hasRemaining()) {
            held.add(b);
        }
    }

    /** {@code b} may be written now; no effect if it is no longer queued. */
    void release(ByteBuffer b) {
        int i = heldIndex(b);
        if (i >= 0) {
            held.remove(i);
        }
    }

    private int heldIndex(ByteBuffer b) {
        for (int i = 0; i < held.size(); i++) {
            if (held.get(i) == b) {
                return i;
            }
        }
        return -1;
    }

    /** Drops {@code b} and everything queued after it; no effect if it is no longer queued. */
    void dropFrom(ByteBuffer b) {
        if (heldIndex(b) < 0) {
            return;
        }
        while (!buffers.isEmpty()) {
            ByteBuffer last = buffers.pollLast();
            bytes -= last.remaining();
            release(last);
            if (last == b) {
                return;
            }
        }
    }

    /** Whether {@link #writeTo} has something it may write now. */
    boolean canWrite() {
        return !buffers.isEmpty() && (held.isEmpty() || heldIndex(buffers.peekFirst()) < 0);
    }

    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return bytes == 0;
    }

    void clear() {
        buffers.clear();
        held.clear();
        bytes = 0;
    }

    /**
     * Writes as much as the socket takes now.
     *
     * @return bytes written
     */
    long writeTo(SocketChannel channel) throws IOException {
        long total = 0;
        while (!buffers.isEmpty()) {
            int n = 0;
            int planned = 0;
            ByteBuffer capped = null;
            ByteBuffer cappedSource = null;
            for (ByteBuffer b : buffers) {
                if (n == MAX_BUFFERS_PER_WRITE || planned >= MAX_BYTES_PER_WRITE || (!held.isEmpty() && heldIndex(b) >= 0)) {
                    break;
                }
                int room = MAX_BYTES_PER_WRITE - planned;
                if (b.remaining() > room) {
                    cappedSource = b;
                    capped = b.duplicate();
                    capped.limit(capped.position() + room);
                    batch[n++] = capped;
                    planned += room;
                    break;
                }
                batch[n++] = b;
                planned += b.remaining();
            }
            if (n == 0) {
                break; // the next buffer is held
            }
            long written = channel.write(batch, 0, n);
            if (capped != null) {
                cappedSource.position(capped.position()); // advance the real buffer past what was written
            }
            java.util.Arrays.fill(batch, 0, n, null);
            total += written;
            bytes -= written;
            while (!buffers.isEmpty() && !buffers.peekFirst().hasRemaining()) {
                buffers.pollFirst();
            }
            if (written < planned) {
                break; // socket buffer full
            }
        }
        return total;
    }
}
