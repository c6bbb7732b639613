package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.bip324proxy.testsupport.JvmProbe;
import org.bip324proxy.testsupport.ProxyHarness;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the client's first message (issue 10, fault 1): a VERSION dripped a byte at a time
 * costs the event loops bounded CPU. Loopback only, a few connections, bounded in time. The
 * announced-length limit is tested without sockets in {@code relay.SessionFirstMessageLimitsTest}.
 */
@Tag("system")
class FirstMessageAttackTest {
    private static byte[] versionHeader(int length) {
        return V1TestClient.versionHeader(Network.MAINNET, length);
    }

    /**
     * Four clients each send most of a large VERSION at once, then drip the rest a byte per
     * millisecond: the event loops' CPU per dripped byte must stay small (with a decoder rebuilt
     * over the whole backlog on every read it was about a millisecond per byte). The limit is raised
     * to 1 MB so the attack is possible at all; the default refuses it at the header.
     */
    @Test
    void aVersionDrippedByteByByteCostsBoundedCpuPerByte() throws Exception {
        int clients = 4;
        int length = 1_000_000;
        int bulk = length - 5_000;
        int drip = 1_500;
        try (ProxyHarness proxy = ProxyHarness.builder().maxVersionSize(length).start()) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    Socket s = new Socket(proxy.address().getAddress(), proxy.address().getPort());
                    s.setTcpNoDelay(true);
                    sockets.add(s);
                    s.getOutputStream().write(versionHeader(length));
                    s.getOutputStream().write(new byte[bulk]);
                }
                awaitClientBytes(proxy, (long) clients * (24 + bulk));
                long cpuBefore = JvmProbe.threadCpuNanos(ProxyServer.LOOP_THREAD_PREFIX);
                long wallBefore = System.nanoTime();
                byte[] one = new byte[1];
                for (int k = 0; k < drip; k++) {
                    for (Socket s : sockets) {
                        s.getOutputStream().write(one);
                    }
                    LockSupport.parkNanos(1_000_000); // the attacker's pace, not synchronisation
                }
                awaitClientBytes(proxy, (long) clients * (24 + bulk + drip));
                long cpu = JvmProbe.threadCpuNanos(ProxyServer.LOOP_THREAD_PREFIX) - cpuBefore;
                long wall = System.nanoTime() - wallBefore;
                double nanosPerByte = (double) cpu / ((long) clients * drip);
                System.out.printf("first-message drip: %d clients x %d bytes in %d ms, loop CPU %d ms = %.1f us per byte%n",
                        clients, drip, wall / 1_000_000, cpu / 1_000_000, nanosPerByte / 1000);
                assertTrue(nanosPerByte < 100_000, "the event loops spent " + nanosPerByte / 1000
                        + " us of CPU per dripped byte (bound 100 us)");
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    private static void awaitClientBytes(ProxyHarness proxy, long bytes) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long seen;
        while ((seen = proxy.server().snapshot(Duration.ofSeconds(10)).total().v1BytesIn()) < bytes) {
            assertTrue(System.nanoTime() < deadline, "the proxy read " + seen + " of " + bytes + " bytes in 60 s");
            LockSupport.parkNanos(10_000_000);
        }
    }
}
