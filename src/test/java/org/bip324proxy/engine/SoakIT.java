package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.SessionSettings;
import org.bip324proxy.testsupport.Policies;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.V1Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Soak: good clients and hostile ones (slowloris, garbage, oversized announcements, non-readers,
 * abrupt resets) hit one proxy at once for a while. Afterwards the process's file descriptors
 * ({@code /proc/self/fd}), threads and live heap are back near their baseline, every good session
 * got back exactly what it sent, and no connection ended in an internal error.
 *
 * <p>Runs for 60 s by default (in every {@code mvn verify} and in CI); soak longer locally with
 * {@code -Dbip324.soak.seconds=600}. The proxy runs in this JVM, so the measurements are its own
 * (the clients' sockets and threads are gone by then).
 */
@Tag("system")
class SoakIT {
    private static final Duration RUN = Duration.ofSeconds(Long.getLong("bip324.soak.seconds", 60));
    private static final Duration FIRST_MESSAGE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final int FD_MARGIN = 16;
    private static final int THREAD_MARGIN = 8;
    private static final long HEAP_MARGIN = 48L << 20;

    /** What one kind of client does once; it returns normally or throws what went wrong. */
    private interface Client {
        void runOnce(Random random) throws Exception;
    }

    private final V1FrameEncoder encoder = new V1FrameEncoder(Network.MAINNET);
    private final List<String> goodFailures = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> runs = new ConcurrentHashMap<>();
    private final AtomicLong goodBytes = new AtomicLong();
    private InetSocketAddress proxyAddress;
    private InetSocketAddress peerAddress;

    @Test
    void hostileClientsLeaveNothingBehindAndGoodSessionsStayExact() throws Exception {
        ErrorLines errors = new ErrorLines();
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()).withDecoys())) {
            ProxyServer server = startProxy(errors);
            try {
                proxyAddress = server.boundAddresses().get(0);
                peerAddress = peer.address();
                good(new Random(1), 3); // warm up: classes, loop buffers, a checksum worker
                awaitIdle(server);
                Usage baseline = Usage.measure();

                runMix();

                awaitIdle(server);
                Usage after = awaitBackToBaseline(baseline);
                String summary = "runs " + runs + ", good bytes " + goodBytes + "; baseline " + baseline + ", after " + after;
                System.out.println("SoakIT " + RUN.toSeconds() + " s: " + summary);
                assertTrue(goodFailures.isEmpty(), goodFailures.size() + " good sessions failed, e.g. "
                        + goodFailures.subList(0, Math.min(5, goodFailures.size())) + "; " + summary);
                for (String kind : List.of("good", "slowloris", "garbage", "oversized", "non_reader", "reset")) {
                    assertTrue(runs.getOrDefault(kind, new AtomicLong()).get() > 0, kind + " never ran: " + summary);
                }
                assertTrue(after.fds() <= baseline.fds() + FD_MARGIN, "file descriptors left open: " + summary);
                assertTrue(after.threads() <= baseline.threads() + THREAD_MARGIN, "threads left: " + summary);
                assertTrue(after.heapBytes() <= baseline.heapBytes() + HEAP_MARGIN, "live heap grew: " + summary);
                assertEquals(List.of(), errors.lines(), "error lines in the proxy's log");
                good(new Random(2), 2); // and it still serves
            } finally {
                server.close();
            }
        }
    }

    private ProxyServer startProxy(ErrorLines errors) throws IOException {
        SessionSettings settings = SessionSettings.builder()
                .destinationPolicy(Policies.loopbackPeers())
                .build();
        EngineConfig config = EngineConfig.builder()
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .threads(2)
                .maxConnections(200)
                .firstMessageTimeout(FIRST_MESSAGE_TIMEOUT)
                .connectTimeout(Duration.ofSeconds(10))
                .handshakeTimeout(Duration.ofSeconds(10))
                .idleTimeout(IDLE_TIMEOUT)
                .closeFlushTimeout(Duration.ofSeconds(2))
                .queueHighWatermark(256 << 10)
                .build();
        ProxyServer server = new ProxyServer(config, settings,
                new EventLog(new PrintStream(errors, true, StandardCharsets.UTF_8), EventLog.Format.TEXT, EventLog.Level.ERROR));
        server.start();
        return server;
    }

    /** Every kind of client in its own threads, each repeating until the run is over. */
    private void runMix() throws Exception {
        Map<String, Client> kinds = Map.of(
                "good", r -> good(r, 1 + r.nextInt(8)),
                "slowloris", this::slowloris,
                "garbage", this::garbage,
                "oversized", this::oversized,
                "non_reader", this::nonReader,
                "reset", this::reset);
        Map<String, Integer> threadsPerKind = Map.of("good", 3, "slowloris", 2, "garbage", 1, "oversized", 1,
                "non_reader", 2, "reset", 1);
        long end = System.nanoTime() + RUN.toNanos();
        ExecutorService pool = Executors.newCachedThreadPool();
        List<Future<?>> done = new ArrayList<>();
        long seed = 100;
        for (Map.Entry<String, Client> kind : kinds.entrySet()) {
            for (int t = 0; t < threadsPerKind.get(kind.getKey()); t++) {
                Random random = new Random(seed++);
                done.add(pool.submit(() -> {
                    while (System.nanoTime() - end < 0) {
                        runs.computeIfAbsent(kind.getKey(), k -> new AtomicLong()).incrementAndGet();
                        try {
                            kind.getValue().runOnce(random);
                        } catch (Exception e) {
                            if (kind.getKey().equals("good")) {
                                goodFailures.add(e.toString());
                            }
                        }
                    }
                    return null;
                }));
            }
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(RUN.plus(SETTLE).toSeconds(), TimeUnit.SECONDS), "clients did not finish");
        for (Future<?> f : done) {
            f.get();
        }
    }

    // ---- the clients --------------------------------------------------------------------------

    /** A full session: VERSION, then messages of mixed sizes (some large enough for a checksum worker), each echoed exactly. */
    private void good(Random random, int messages) throws Exception {
        try (V1TestClient client = new V1TestClient(proxyAddress, Network.MAINNET, CLIENT_TIMEOUT)) {
            byte[] version = V1TestClient.versionPayload(peerAddress, "/soak:1.0/");
            client.send("version", version);
            expect(client, "version", version);
            for (int i = 0; i < messages; i++) {
                int size = switch (random.nextInt(10)) {
                    case 0 -> 64 * 1024 + random.nextInt(256 * 1024);
                    case 1, 2 -> 1024 + random.nextInt(16 * 1024);
                    default -> random.nextInt(300);
                };
                byte[] payload = new byte[size];
                random.nextBytes(payload);
                String command = random.nextBoolean() ? "tx" : "block";
                client.send(command, payload);
                expect(client, command, payload);
                goodBytes.addAndGet(size);
            }
            byte[] nonce = new byte[8];
            random.nextBytes(nonce);
            client.send("ping", nonce);
            expect(client, "pong", nonce);
        }
    }

    private static void expect(V1TestClient client, String command, byte[] payload) throws Exception {
        V1Message m = client.receive();
        if (m == null) {
            throw new AssertionError("closed before '" + command + "' came back");
        }
        if (!m.command().equals(command) || !Arrays.equals(m.copyPayload(), payload)) {
            throw new AssertionError("sent " + command + " (" + payload.length + " bytes), got " + m.command()
                    + " (" + m.length() + " bytes" + (m.command().equals(command) ? ", different bytes)" : ")"));
        }
    }

    /** Drips the start of a VERSION a byte at a time until the first-message timeout ends it. */
    private void slowloris(Random random) throws Exception {
        byte[] frame = encoder.frame("version", V1TestClient.versionPayload(peerAddress, "/slow/"));
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            long end = System.nanoTime() + FIRST_MESSAGE_TIMEOUT.multipliedBy(3).toNanos();
            for (int i = 0; i < frame.length - 1 && System.nanoTime() - end < 0; i++) {
                out.write(frame[i]);
                out.flush();
                Thread.sleep(50 + random.nextInt(100)); // the drip itself, not synchronisation
            }
        }
    }

    /** Random bytes, with or without a v1 magic in front, then waits for the proxy to close. */
    private void garbage(Random random) throws Exception {
        byte[] junk = new byte[1 + random.nextInt(8192)];
        random.nextBytes(junk);
        if (random.nextBoolean()) {
            System.arraycopy(Network.MAINNET.magic(), 0, junk, 0, Math.min(4, junk.length));
        }
        try (Socket s = connect()) {
            s.getOutputStream().write(junk);
            drainUntilClosed(s);
        }
    }

    /** A VERSION header announcing a huge payload, part of it, then silence or an abrupt close. */
    private void oversized(Random random) throws Exception {
        int claimed = random.nextBoolean() ? 4_000_000 : Integer.MAX_VALUE;
        ByteBuffer header = ByteBuffer.allocate(24 + 64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        header.put(Network.MAINNET.magic()).put("version".getBytes(StandardCharsets.US_ASCII)).put(new byte[5]);
        header.putInt(claimed).putInt(0);
        byte[] bytes = header.array();
        try (Socket s = connect()) {
            s.getOutputStream().write(bytes, 0, 24 + random.nextInt(64 * 1024));
            if (random.nextBoolean()) {
                s.setSoLinger(true, 0);
            } else {
                drainUntilClosed(s);
            }
        }
    }

    /** A working session whose client asks for a flood and stops reading, then leaves abruptly. */
    private void nonReader(Random random) throws Exception {
        try (V1TestClient client = new V1TestClient(proxyAddress, Network.MAINNET, CLIENT_TIMEOUT, 8192)) {
            byte[] version = V1TestClient.versionPayload(peerAddress, "/nonreader/");
            client.send("version", version);
            expect(client, "version", version);
            byte[] flood = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(400).putInt(32 * 1024).array();
            client.send(V2EchoPeer.FLOOD_COMMAND, flood);
            Socket s = client.socket();
            s.setSoTimeout(50);
            long end = System.nanoTime() + Duration.ofMillis(500 + random.nextInt(2000)).toNanos();
            byte[] ping = encoder.frame("ping", new byte[8]);
            while (System.nanoTime() - end < 0) {
                try {
                    s.getOutputStream().write(ping); // blocks once the proxy stops reading us
                } catch (IOException e) {
                    break;
                }
                Thread.sleep(5); // pacing the pings, not synchronisation
            }
            s.setSoLinger(true, 0);
        }
    }

    /** Resets the connection at a random point: before, during or after the handshake. */
    private void reset(Random random) throws Exception {
        byte[] frame = encoder.frame("version", V1TestClient.versionPayload(peerAddress, "/reset/"));
        try (V1TestClient client = new V1TestClient(proxyAddress, Network.MAINNET, CLIENT_TIMEOUT)) {
            Socket s = client.socket();
            switch (random.nextInt(4)) {
                case 0 -> { }
                case 1 -> client.writeRaw(Arrays.copyOf(frame, 1 + random.nextInt(frame.length - 1)));
                case 2 -> client.writeRaw(frame);
                default -> {
                    client.writeRaw(frame);
                    client.receive();
                    client.send("tx", new byte[1 + random.nextInt(100_000)]);
                }
            }
            s.setSoLinger(true, 0);
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(proxyAddress, (int) CLIENT_TIMEOUT.toMillis());
        s.setSoTimeout((int) CLIENT_TIMEOUT.toMillis());
        return s;
    }

    private static void drainUntilClosed(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        while (in.read(buf) >= 0) {
            // whatever the proxy sends before closing
        }
    }

    // ---- measurements -------------------------------------------------------------------------

    private static void awaitIdle(ProxyServer server) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (server.activeConnections() > 0) {
            assertTrue(System.nanoTime() - deadline < 0, server.activeConnections() + " connections still open");
            Thread.sleep(20); // polling a condition with a deadline
        }
    }

    /** Polls until fds and threads are back within the margins (peers' threads end as their sockets close). */
    private static Usage awaitBackToBaseline(Usage baseline) throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            Usage now = Usage.measure();
            boolean back = now.fds() <= baseline.fds() + FD_MARGIN && now.threads() <= baseline.threads() + THREAD_MARGIN
                    && now.heapBytes() <= baseline.heapBytes() + HEAP_MARGIN;
            if (back || System.nanoTime() - deadline > 0) {
                return now;
            }
            Thread.sleep(200); // polling a condition with a deadline
        }
    }

    /** Open file descriptors, live threads and heap in use after a full GC. */
    private record Usage(long fds, int threads, long heapBytes) {
        static Usage measure() throws IOException {
            System.gc();
            System.gc();
            long fds;
            try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
                fds = entries.count();
            }
            return new Usage(fds, ManagementFactory.getThreadMXBean().getThreadCount(),
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }

        @Override
        public String toString() {
            return fds + " fds, " + threads + " threads, " + (heapBytes >> 20) + " MiB heap";
        }
    }

    /** Keeps the proxy's ERROR lines (bounded), drops the rest. */
    private static final class ErrorLines extends OutputStream {
        private final StringBuilder current = new StringBuilder();
        private final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void write(int b) {
            if (b != '\n') {
                current.append((char) b);
                return;
            }
            if (lines.size() < 20) {
                lines.add(current.toString());
            }
            current.setLength(0);
        }

        synchronized List<String> lines() {
            return List.copyOf(lines);
        }
    }
}
