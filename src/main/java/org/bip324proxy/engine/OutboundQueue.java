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
 *
 * <p>Memory: {@link #memory()} is the heap the queue really holds, not the bytes to write: each
 * queued buffer's whole backing array plus {@value #BUFFER_OVERHEAD} bytes for its objects.
 * Small frames arriving behind others are copied into shared {@value #CHUNK_SIZE}-byte chunks, so
 * a stream of 8-byte pings costs about 8 bytes each rather than a buffer and an array each.
 */
final class OutboundQueue {
    /** Most bytes handed to one write call. */
    static final int MAX_BYTES_PER_WRITE = 256 * 1024;
    private static final int MAX_BUFFERS_PER_WRITE = 64;
    /** Frames shorter than this are copied into a shared chunk when something is queued before them. */
    static final int COALESCE_BELOW = 1024;
    static final int CHUNK_SIZE = 8 * 1024;
    /**
     * Heap a queued buffer costs besides its array's elements, rounded up for a 64-bit JVM: the
     * ByteBuffer object (about 48 bytes), the array header (16) and the deque slot.
     */
    static final int BUFFER_OVERHEAD = 96;

    private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
    /**
     * Buffers in {@link #buffers} that may not be written yet, compared by identity; few at a time,
     * and no memory while empty (an idle connection has two queues).
     */
    private final ArrayList<ByteBuffer> held = new ArrayList<>(0);
    private final ByteBuffer[] batch = new ByteBuffer[MAX_BUFFERS_PER_WRITE];
    private long bytes;
    private long memory;
    /** The last queued buffer when it is a chunk of ours that may take more small frames. */
    private ByteBuffer openChunk;

    /** Queues {@code b}; it is not copied unless small (then the queue owns the copy). */
    void add(ByteBuffer b) {
        int n = b.remaining();
        if (n == 0) {
            return;
        }
        if (n >= COALESCE_BELOW || buffers.isEmpty()) {
            enqueue(b);
            return;
        }
        if (openChunk == null || openChunk != buffers.peekLast() || openChunk.capacity() - openChunk.limit() < n) {
            openChunk = ByteBuffer.allocate(CHUNK_SIZE).limit(0);
            enqueue(openChunk);
        }
        int at = openChunk.limit();
        openChunk.limit(at + n);
        openChunk.put(at, b, b.position(), n);
        b.position(b.limit());
        bytes += n;
    }

    /** Queues {@code b} but writes nothing from it on until {@link #release(ByteBuffer)}. */
    void addHeld(ByteBuffer b) {
        if (b.hasRemaining()) {
            enqueue(b);
            held.add(b);
        }
    }

    private void enqueue(ByteBuffer b) {
        buffers.add(b);
        bytes += b.remaining();
        memory += cost(b);
    }

    private void dequeued(ByteBuffer b) {
        memory -= cost(b);
        if (b == openChunk) {
            openChunk = null;
        }
    }

    /** Heap held by a queued buffer: its whole array (head- and tailroom included) and its objects. */
    private static long cost(ByteBuffer b) {
        return (b.hasArray() ? b.array().length : b.capacity()) + BUFFER_OVERHEAD;
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
            dequeued(last);
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

    /** Bytes still to be written. */
    long bytes() {
        return bytes;
    }

    /** Heap the queued buffers hold (see the class comment); what backpressure compares. */
    long memory() {
        return memory;
    }

    boolean isEmpty() {
        return bytes == 0;
    }

    void clear() {
        buffers.clear();
        held.clear();
        bytes = 0;
        memory = 0;
        openChunk = null;
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
                dequeued(buffers.pollFirst());
            }
            if (written < planned) {
                break; // socket buffer full
            }
        }
        return total;
    }
}
