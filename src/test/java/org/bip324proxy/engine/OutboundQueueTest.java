package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The queue over a real loopback socket: held buffers keep their place and block what follows. */
@Tag("fast")
class OutboundQueueTest {
    private ServerSocketChannel server;
    private SocketChannel writer;
    private SocketChannel reader;

    @BeforeEach
    void connect() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        writer = SocketChannel.open(server.getLocalAddress());
        reader = server.accept();
        writer.configureBlocking(false);
    }

    @AfterEach
    void close() throws IOException {
        writer.close();
        reader.close();
        server.close();
    }

    @Test
    void aHeldBufferAndEverythingAfterItWaitForItsRelease() throws IOException {
        ByteBuffer held = bytes("b", 70_000);
        OutboundQueue q = heldBetweenTwo(held);
        assertEquals(3 + 70_000 + 5, q.bytes());
        assertEquals(3, q.writeTo(writer));
        assertFalse(q.canWrite(), "the head is held");
        assertEquals(0, q.writeTo(writer));
        assertEquals(70_005, q.bytes());

        q.release(held);
        assertTrue(q.canWrite());
        long written = 0;
        while (!q.isEmpty()) {
            written += q.writeTo(writer);
        }
        assertEquals(70_005, written);
        assertArrayEquals(concat(bytes("a", 3), bytes("b", 70_000), bytes("c", 5)), read(70_008));
    }

    @Test
    void droppingAHeldBufferDropsWhatCameAfterItOnly() throws IOException {
        ByteBuffer held = bytes("b", 10);
        OutboundQueue q = heldBetweenTwo(held);
        q.dropFrom(held);
        assertEquals(3, q.bytes());
        assertEquals(3, q.writeTo(writer));
        assertTrue(q.isEmpty());
        q.dropFrom(held); // no longer queued: nothing happens
        q.release(held);
        assertTrue(q.isEmpty());
        assertArrayEquals(bytes("a", 3).array(), read(3));
    }

    @Test
    void clearForgetsHeldBuffers() {
        OutboundQueue q = new OutboundQueue();
        ByteBuffer held = bytes("b", 10);
        q.addHeld(held);
        q.clear();
        q.add(bytes("a", 3));
        assertTrue(q.canWrite());
        q.dropFrom(held);
        assertEquals(3, q.bytes());
    }

    /** 100,000 tiny frames (a raw relay's 1-byte reads, or 8-byte pings) cost little more than their bytes. */
    @Test
    void tinyFramesShareChunksAndMemoryCountsWhatTheQueueHolds() throws IOException {
        OutboundQueue q = new OutboundQueue();
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 100_000; i++) {
            ByteBuffer frame = bytes(String.valueOf((char) ('a' + i % 26)), 1 + i % 8);
            expected.write(frame.array(), 0, frame.remaining());
            q.add(frame);
        }
        long bytes = q.bytes();
        long chunks = bytes / OutboundQueue.CHUNK_SIZE + 2;
        assertTrue(q.memory() >= bytes, "memory counts at least the bytes");
        assertTrue(q.memory() <= chunks * (OutboundQueue.CHUNK_SIZE + OutboundQueue.BUFFER_OVERHEAD),
                "memory " + q.memory() + " for " + bytes + " bytes of tiny frames");
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        while (!q.isEmpty()) {
            long n = q.writeTo(writer);
            got.write(read((int) n), 0, (int) n);
        }
        assertArrayEquals(expected.toByteArray(), got.toByteArray());
        assertEquals(0, q.memory(), "nothing held once everything is written");
    }

    /** "aaa", then {@code held} (held), then "ccccc". */
    private static OutboundQueue heldBetweenTwo(ByteBuffer held) {
        OutboundQueue q = new OutboundQueue();
        q.add(bytes("a", 3));
        q.addHeld(held);
        q.add(bytes("c", 5));
        return q;
    }

    private static ByteBuffer bytes(String fill, int n) {
        return ByteBuffer.wrap(fill.repeat(n).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static byte[] concat(ByteBuffer... parts) {
        ByteBuffer all = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(ByteBuffer::remaining).sum());
        for (ByteBuffer p : parts) {
            all.put(p.duplicate());
        }
        return all.array();
    }

    private byte[] read(int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (reader.read(b) < 0) {
                break;
            }
        }
        return b.array();
    }
}
