package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import org.bip324proxy.testsupport.CloseLine;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.ProxyHarness;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v1.V1Protocol;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading while its peer sends a lot: the proxy must stop reading the peer
 * once its queue to the client is over the buffer limit, so its memory stays bounded. Asserted on
 * the engine's own queued-byte figures, never on time.
 */
@Tag("fast")
class BackpressureIntegrationTest {
    private static final int BUFFER_LIMIT = 256 * 1024;
    private static final int MESSAGE_SIZE = 1_000_000;
    /** Far more than the socket buffers on the way can hold (the client's receive buffer is fixed small). */
    private static final int MESSAGES = 100;
    /**
     * Most one connection may hold with one direction busy (docs/DESIGN.md, "Memory and
     * backpressure"): L + 2M + 2R, i.e. under the limit when a peer read starts, plus what one read
     * (R, the loop's 64 KiB buffer) completes, plus the next message partly received; M is one
     * message with its framing, room and buffer overhead.
     */
    private static final long BOUND = BUFFER_LIMIT + 2 * (MESSAGE_SIZE + V1Protocol.HEADER_SIZE + 128L)
            + 2 * EventLoop.READ_BUFFER_SIZE;

    @Test
    void stalledClientKeepsQueuedBytesBoundedAndLaterGetsEverything() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().bufferLimit(BUFFER_LIMIT).start();
                V1TestClient client = new V1TestClient(proxy.address(), Network.MAINNET, Duration.ofSeconds(60), 64 * 1024)) {
            startFlood(client, peer, proxy);
            long total = (long) MESSAGES * MESSAGE_SIZE;
            long written = awaitPeerBlocked(peer);
            assertTrue(written < total, "the peer wrote all " + total + " bytes although the client read nothing:"
                    + " nothing held it back (queued now " + proxy.server().heldBytes() + ")");
            long queued = proxy.server().heldBytes();
            assertTrue(queued <= BOUND, "queued " + queued + " bytes while the client is stalled; bound " + BOUND);
            assertTrue(queued > 0, "the proxy should hold some bytes for the stalled client");

            for (int k = 0; k < MESSAGES; k++) {
                V1Message m = client.receive();
                assertNotNull(m, "EOF at message " + k + "; log:\n" + proxy.log());
                assertEquals("tx", m.command());
                byte[] p = m.copyPayload();
                assertEquals(MESSAGE_SIZE, p.length);
                for (int i = 0; i < p.length; i += 4093) {
                    assertEquals((byte) (k + i), p[i], "message " + k + " byte " + i);
                }
            }
            long peak = proxy.server().peakHeldBytes();
            System.out.printf("backpressure: peer blocked after %d of %d bytes, proxy queued %d while stalled,"
                    + " peak %d, bound %d%n", written, total, queued, peak, BOUND);
            assertTrue(peak <= BOUND, "peak queued " + peak + " bytes; bound " + BOUND);
        }
    }

    @Test
    void clientResettingDuringAFloodClosesCleanly() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().bufferLimit(BUFFER_LIMIT).start()) {
            V1TestClient client = new V1TestClient(proxy.address(), Network.MAINNET, Duration.ofSeconds(60), 64 * 1024);
            startFlood(client, peer, proxy);
            awaitPeerBlocked(peer);
            client.socket().setSoLinger(true, 0);
            client.close(); // RST with bytes queued both in the kernel and in the proxy
            LogLine close = proxy.awaitClose(1);
            CloseLine.assertCause("io_error", close);
            assertEquals(0, proxy.server().activeConnections());
            assertEquals(0, proxy.server().heldBytes(), "a closed connection must release its queue");
        }
    }

    private static void startFlood(V1TestClient client, V2EchoPeer peer, ProxyHarness proxy) throws Exception {
        client.send("version", V1TestClient.versionPayload(peer.address(), "/integ:1.0/"));
        assertNotNull(client.receive(), proxy.log());
        byte[] request = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(MESSAGES).putInt(MESSAGE_SIZE).array();
        client.send(V2EchoPeer.FLOOD_COMMAND, request);
    }

    /** Waits until the peer's writes stop progressing (blocked by full buffers) or it is done. */
    private static long awaitPeerBlocked(V2EchoPeer peer) throws InterruptedException {
        long last = -1;
        int stable = 0;
        while (stable < 8) {
            Thread.sleep(250);
            long now = peer.floodBytesWritten();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
        return last;
    }
}
