package org.bip324proxy.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * Bytes waiting to be written to one socket. Writes are gathered (many small messages per
 * syscall) but capped per call, so a 4 MB message never needs a 4 MB temporary direct buffer.
 */
final class OutboundQueue {
    /** Most bytes handed to one write call. */
    static final int MAX_BYTES_PER_WRITE = 256 * 1024;
    private static final int MAX_BUFFERS_PER_WRITE = 64;

    private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
    private final ByteBuffer[] batch = new ByteBuffer[MAX_BUFFERS_PER_WRITE];
    private long bytes;

    void add(ByteBuffer b) {
        if (b.hasRemaining()) {
            buffers.add(b);
            bytes += b.remaining();
        }
    }

    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return bytes == 0;
    }

    void clear() {
        buffers.clear();
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
                if (n == MAX_BUFFERS_PER_WRITE || planned >= MAX_BYTES_PER_WRITE) {
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
