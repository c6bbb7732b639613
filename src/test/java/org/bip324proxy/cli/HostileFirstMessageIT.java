package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.bip324proxy.testsupport.ProxyProcess;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, fault 1, against the real jar: 100 clients each announce a 4,000,000-byte VERSION and
 * send most of it to a proxy with a 64 MiB heap. Buffering them whole ran the JVM out of memory
 * (with -XX:+ExitOnOutOfMemoryError, as the service runs, it exited). The proxy must refuse each
 * at its header, stay up and keep serving.
 */
@Tag("system")
class HostileFirstMessageIT {
    private static final int CLIENTS = 100;
    private static final int ANNOUNCED = 4_000_000;
    private static final int SENT = 3_900_000;

    @Test
    void hundredClientsAnnouncingHugeVersionsCannotExhaustTheHeap() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.withJvmOptions(List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError"),
                ProxyProcess.jar(), "--listen", "127.0.0.1:0", "--no-control-socket", "--threads", "2",
                "--max-connections-per-source", "" + (CLIENTS + 1))) {
            int port = Integer.parseInt(proxy.awaitLog("listening addresses=127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(60)));
            ConcurrentLinkedQueue<Socket> sockets = new ConcurrentLinkedQueue<>();
            ExecutorService attackers = Executors.newFixedThreadPool(8);
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    attackers.execute(() -> attack(port, sockets));
                }
                attackers.shutdown();
                if (!attackers.awaitTermination(120, TimeUnit.SECONDS)) {
                    sockets.forEach(HostileFirstMessageIT::closeQuietly); // unblocks writers to a stuck proxy
                }
                assertTrue(attackers.awaitTermination(30, TimeUnit.SECONDS), "attackers did not finish");
                assertTrue(proxy.process().isAlive(), "the proxy died under the attack; log:\n" + tail(proxy.logText()));
                long refused = awaitCount(proxy, "announces " + ANNOUNCED + " payload bytes", CLIENTS);
                assertEquals(CLIENTS, refused, "every hostile connection is refused with its reason; log:\n" + tail(proxy.logText()));
                // Still serving: a new connection is accepted, read and answered.
                Socket probe = new Socket(InetAddress.getLoopbackAddress(), port);
                sockets.add(probe);
                probe.getOutputStream().write(header(ANNOUNCED));
                assertEquals(CLIENTS + 1, awaitCount(proxy, "announces " + ANNOUNCED + " payload bytes", CLIENTS + 1));
            } finally {
                attackers.shutdownNow();
                sockets.forEach(HostileFirstMessageIT::closeQuietly);
            }
        }
    }

    /** One client: the header, then as much of the payload as the proxy takes; the socket stays open. */
    private static void attack(int port, ConcurrentLinkedQueue<Socket> sockets) {
        try {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            sockets.add(s);
            OutputStream out = s.getOutputStream();
            out.write(header(ANNOUNCED));
            byte[] chunk = new byte[64 * 1024];
            for (int sent = 0; sent < SENT; sent += chunk.length) {
                out.write(chunk, 0, Math.min(chunk.length, SENT - sent));
            }
        } catch (IOException e) {
            // refused (reset or closed by the proxy): what the attack should get
        }
    }

    private static long awaitCount(ProxyProcess proxy, String text, int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long n;
        while ((n = proxy.logText().lines().filter(l -> l.contains(text)).count()) < atLeast && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000_000);
        }
        return n;
    }

    private static byte[] header(int length) {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Network.MAINNET.magic()).put("version\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII));
        return b.putInt(length).putInt(0).array();
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
