package org.bip324proxy.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.engine.EngineConfig;
import org.bip324proxy.engine.ProxyServer;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.os.HostAddresses;
import org.bip324proxy.relay.AllowedDestination;
import org.bip324proxy.relay.DestinationPolicy;
import org.bip324proxy.relay.OwnEndpoints;
import org.bip324proxy.relay.SessionSettings;
import org.bip324proxy.v1.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bip324-proxy bench}: in one process, a v1 client talks through the real proxy engine to a
 * BIP324 peer over loopback, and the same workloads run through a plain TCP relay to a v1 peer as
 * the baseline. Prints one table. Figures depend on the machine; see docs/performance.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure the proxy on loopback: bulk MB/s each way, small-message rate, ping latency, "
                + "handshakes/s and RSS with idle connections, next to a plain TCP relay baseline.",
            "Idle-connection memory is the RSS of a separate proxy JVM; each connection takes 2 file descriptors "
                    + "there and 2 here: run as root with 'ulimit -n 65536' for 10,000."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bulk-messages", paramLabel = "N", defaultValue = "300", description = "1 MB messages per direction. Default: ${DEFAULT-VALUE}.")
    int bulkMessages;

    @Option(names = "--small-messages", paramLabel = "N", defaultValue = "200000", description = "100-byte messages for the rate test. Default: ${DEFAULT-VALUE}.")
    int smallMessages;

    @Option(names = "--pings", paramLabel = "N", defaultValue = "3000", description = "Sequential ping round trips per target, in alternating batches of 100. Default: ${DEFAULT-VALUE}.")
    int pings;

    @Option(names = "--handshakes", paramLabel = "N", defaultValue = "300", description = "Sequential connections for handshakes/s. Default: ${DEFAULT-VALUE}.")
    int handshakes;

    @Option(names = "--idle", paramLabel = "N", split = ",", defaultValue = "1000,10000",
            description = "Idle connection counts at which RSS is measured. Default: ${DEFAULT-VALUE}.")
    List<Integer> idle;

    @Option(names = "--proxy-heap", paramLabel = "XMX", defaultValue = "256m",
            description = "Maximum heap (java -Xmx syntax, e.g. 256m) of the proxy JVM started for the idle-connection figures. Default: ${DEFAULT-VALUE}.")
    String proxyHeap;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "Rounds per figure, proxy and relay alternating; rates are the median round, latencies "
                    + "pool all rounds (this evens out load from other processes). Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--aead", paramLabel = "BACKEND", defaultValue = "auto",
            description = "ChaCha20-Poly1305 implementation: auto, jdk or bouncy-castle. Default: ${DEFAULT-VALUE}.")
    String aead;

    private static final int MB = 1 << 20;
    private static final int SMALL_BATCH = 10_000;
    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (rounds < 1 || pings < 1 || smallMessages < 1 || bulkMessages < 1 || handshakes < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--rounds, --pings, --small-messages, --bulk-messages and --handshakes must be at least 1");
        }
        AeadBackend backend;
        try {
            backend = aead.equalsIgnoreCase("auto") ? AeadBackend.preferred() : AeadBackend.parse(aead);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--aead must be auto, jdk or bouncy-castle, got '" + aead + "'");
        }
        Network net = Network.MAINNET;
        SessionSettings settings = SessionSettings.builder()
                .networks(List.of(net))
                .destinationMode(SessionSettings.DestinationMode.ADDR_RECV)
                .aeadBackend(backend)
                .destinationPolicy(new DestinationPolicy(List.of(net), List.of(AllowedDestination.parse("127.0.0.1")),
                        new OwnEndpoints(HostAddresses::isHostAddress)))
                .build();
        EngineConfig config = EngineConfig.builder()
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .maxConnections(100_000)
                .handshakeTimeout(Duration.ofSeconds(30))
                .idleTimeout(Duration.ofHours(1))
                .build();
        EventLog quiet = new EventLog(System.err, EventLog.Format.TEXT, EventLog.Level.ERROR);
        out.printf("bip324-proxy bench: Java %s, AEAD %s, %d CPUs, loopback%n", Runtime.version(), backend.cliName(),
                Runtime.getRuntime().availableProcessors());
        try (BenchPeer v2Peer = new BenchPeer(true, net);
                BenchPeer v1Peer = new BenchPeer(false, net);
                ProxyServer proxy = new ProxyServer(config, settings, quiet);
                PlainRelay relay = new PlainRelay(v1Peer.address())) {
            proxy.start();
            InetSocketAddress proxyAddr = proxy.boundAddresses().get(0);
            Target p = new Target(proxyAddr, v2Peer.address(), net,
                    List.of(ProxyServer.LOOP_THREAD_PREFIX, ProxyServer.CHECKSUM_THREAD_PREFIX));
            Target r = new Target(relay.address(), v1Peer.address(), net, List.of(PlainRelay.PUMP_THREAD_PREFIX));
            warmUp(p);
            warmUp(r);
            out.printf("%-52s %14s %14s%n", "metric", "proxy v1->v2", "plain relay");
            bulkRows("upstream", this::bulkUp, p, r);
            bulkRows("downstream", this::bulkDown, p, r);
            row("small messages, 100 B (msg/s)", medians(this::smallRate, p, r), "%.0f");
            double[][] latency = pingLatency(p, r);
            row("ping round trip p50 (us)", new double[] {latency[0][0], latency[1][0]}, "%.1f");
            row("ping round trip p99 (us)", new double[] {latency[0][1], latency[1][1]}, "%.1f");
            out.printf("%-52s %14s%n", "added ping latency p50 / p99 (us)", String.format("%.1f / %.1f",
                    latency[0][0] - latency[1][0], latency[0][1] - latency[1][1]));
            row("handshakes/s (connect+BIP324+VERSION)", medians(this::handshakeRate, p, r), "%.0f");
            idleMemory(v2Peer.address(), net, backend);
        }
        return 0;
    }

    /** @param threadPrefixes names of the threads that do this target's relaying, for their CPU time */
    private record Target(InetSocketAddress connect, InetSocketAddress peer, Network network, List<String> threadPrefixes) {
        BenchClient open() throws IOException {
            return open(256 * 1024);
        }

        BenchClient open(int readBufferSize) throws IOException {
            BenchClient c = new BenchClient(connect, network, readBufferSize);
            c.handshake(peer);
            return c;
        }
    }

    private void row(String name, double[] proxyAndBaseline, String fmt) {
        out.printf("%-52s %14s %14s%n", name, String.format(fmt, proxyAndBaseline[0]),
                String.format(fmt, proxyAndBaseline[1]));
    }

    /** One measurement of one target. */
    private interface Measurement {
        double run(Target t) throws Exception;
    }

    /** Median of {@code rounds} runs each for the proxy and the relay, run alternately. */
    private double[] medians(Measurement m, Target proxy, Target relay) throws Exception {
        double[] a = new double[rounds];
        double[] b = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            a[i] = m.run(proxy);
            b[i] = m.run(relay);
        }
        Arrays.sort(a);
        Arrays.sort(b);
        return new double[] {a[rounds / 2], b[rounds / 2]};
    }

    /** Lets the JIT compile the hot paths before anything is measured. */
    private void warmUp(Target t) throws Exception {
        for (int i = 0; i < 3; i++) {
            try (BenchClient c = t.open()) {
                c.write(repeatFrames(c, "inv", 100, 20_000));
                c.send("ping", new byte[8]);
                c.expect("pong");
                bulkDown(t, c, 50);
            }
            bulkUp(t, 50);
        }
    }

    /** One bulk run: its rate, and the CPU its relaying threads spent per MB moved. */
    private record Bulk(double mbPerSecond, double cpuMsPerMb) {
    }

    /** One bulk measurement of one target. */
    private interface BulkMeasurement {
        Bulk run(Target t) throws Exception;
    }

    /**
     * Rate rows plus the relaying threads' CPU per MB (user + system, from the JVM's thread clocks;
     * for the proxy its event loops and checksum workers) and its inverse, MB per CPU-second: the
     * part of the figures that does not depend on what else shares the cores.
     */
    private void bulkRows(String direction, BulkMeasurement m, Target proxy, Target relay) throws Exception {
        Bulk[] a = new Bulk[rounds];
        Bulk[] b = new Bulk[rounds];
        for (int i = 0; i < rounds; i++) {
            a[i] = m.run(proxy);
            b[i] = m.run(relay);
        }
        row("bulk " + direction + ", 1 MB messages (MB/s)",
                new double[] {median(a, Bulk::mbPerSecond), median(b, Bulk::mbPerSecond)}, "%.0f");
        double[] cpu = {median(a, Bulk::cpuMsPerMb), median(b, Bulk::cpuMsPerMb)};
        row("bulk " + direction + ", CPU of relaying threads per MB (ms)", cpu, "%.2f");
        row("bulk " + direction + ", MB per CPU-second", new double[] {1000 / cpu[0], 1000 / cpu[1]}, "%.0f");
    }

    private double median(Bulk[] runs, java.util.function.ToDoubleFunction<Bulk> f) {
        double[] v = Arrays.stream(runs).mapToDouble(f).sorted().toArray();
        return v[v.length / 2];
    }

    private Bulk bulkUp(Target t) throws Exception {
        return bulkUp(t, bulkMessages);
    }

    private Bulk bulkUp(Target t, int count) throws Exception {
        try (BenchClient c = t.open()) {
            ByteBuffer frame = c.directFrame("block", new byte[MB]);
            long cpu = ThreadCpu.nanos(t.threadPrefixes());
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                c.write(frame.clear());
            }
            c.send("ping", new byte[8]);
            c.expect("pong"); // in order: every block was delivered before the pong
            return bulk(count, System.nanoTime() - start, ThreadCpu.nanos(t.threadPrefixes()) - cpu);
        }
    }

    private Bulk bulkDown(Target t) throws Exception {
        try (BenchClient c = t.open()) {
            return bulkDown(t, c, bulkMessages);
        }
    }

    /**
     * The peer answers with {@code count} blocks of zeros; each must arrive as exactly the v1 frame
     * expected (compared byte for byte, which also checks the proxy's checksums).
     */
    private Bulk bulkDown(Target t, BenchClient c, int count) throws Exception {
        byte[] req = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(count).putInt(MB).array();
        byte[] expected = c.frame("block", new byte[MB]);
        long cpu = ThreadCpu.nanos(t.threadPrefixes());
        long start = System.nanoTime();
        c.send(BenchPeer.BULK_REQUEST, req);
        for (int i = 0; i < count; i++) {
            c.expectExactly(expected);
        }
        return bulk(count, System.nanoTime() - start, ThreadCpu.nanos(t.threadPrefixes()) - cpu);
    }

    private static Bulk bulk(int messages, long nanos, long cpuNanos) {
        long bytes = (long) messages * MB;
        return new Bulk(mbPerSecond(bytes, nanos), cpuNanos / 1e6 / (bytes / 1e6));
    }

    private double smallRate(Target t) throws Exception {
        try (BenchClient c = t.open()) {
            byte[] frames = repeatFrames(c, "inv", 100, SMALL_BATCH);
            int frameLength = frames.length / SMALL_BATCH;
            long start = System.nanoTime();
            for (int messages : batches(smallMessages, SMALL_BATCH)) {
                c.write(ByteBuffer.wrap(frames, 0, messages * frameLength));
            }
            c.send("ping", new byte[8]);
            c.expect("pong");
            long elapsed = System.nanoTime() - start;
            return smallMessages / (elapsed / 1e9);
        }
    }

    /** p50 and p99 round trips in µs, {proxy, relay}, from alternating batches of sequential pings. */
    private double[][] pingLatency(Target proxy, Target relay) throws Exception {
        int batch = Math.min(100, pings);
        int batches = Math.max(1, pings / batch);
        long[][] rtt = new long[2][];
        try (BenchClient p = proxy.open(); BenchClient r = relay.open()) {
            BenchClient[] clients = {p, r};
            for (int k = 0; k < 2; k++) {
                rtt[k] = new long[batches * batch];
            }
            for (int i = 0; i < batches; i++) {
                for (int k = 0; k < 2; k++) {
                    for (int j = 0; j < batch; j++) {
                        long start = System.nanoTime();
                        clients[k].send("ping", new byte[8]);
                        clients[k].expect("pong");
                        rtt[k][i * batch + j] = System.nanoTime() - start;
                    }
                }
            }
        }
        double[][] result = new double[2][];
        for (int k = 0; k < 2; k++) {
            Arrays.sort(rtt[k]);
            result[k] = new double[] {rtt[k][rtt[k].length / 2] / 1e3, rtt[k][(int) (rtt[k].length * 0.99)] / 1e3};
        }
        return result;
    }

    private double handshakeRate(Target t) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < handshakes; i++) {
            try (BenchClient c = t.open(1024)) {
                // open() completed the VERSION exchange end to end
            }
        }
        return handshakes / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Resident memory of the proxy alone: a separate proxy JVM holds idle BIP324 sessions between
     * clients and the v2 peer of this process.
     */
    private void idleMemory(InetSocketAddress peer, Network net, AeadBackend backend) throws Exception {
        long limit = openFileLimit();
        int most = idle.stream().max(Integer::compare).orElse(0);
        List<BenchClient> open = new ArrayList<>();
        try (ProxyProcess proxy = ProxyProcess.start(backend, proxyHeap, most + 100)) {
            // Its CPU is not measured: the proxy runs in another JVM.
            Target t = new Target(proxy.address(), peer, net, List.of());
            double base = proxy.rssMb();
            out.printf("%-52s %14.0f   (separate JVM, -Xmx%s)%n", "proxy RSS, no connections (MB)", base, proxyHeap);
            for (int wanted : idle) {
                // Each process holds two descriptors per connection: here client and peer, there both proxy sockets.
                long fits = (limit - 300) / 2 / 100 * 100;
                int target = (int) Math.min(wanted, fits);
                if (target < wanted) {
                    out.printf("%-52s %14s%n", "proxy RSS with " + wanted + " idle connections",
                            "needs " + (2L * wanted + 300) + " fds, limit " + limit + " (as root: ulimit -n 65536);"
                                    + " measuring " + target + " instead");
                }
                if (target <= open.size()) {
                    continue;
                }
                while (open.size() < target) {
                    open.add(t.open(1024));
                }
                double rss = proxy.rssMb();
                out.printf("%-52s %14.0f   (%.1f KB per connection)%n",
                        "proxy RSS with " + target + " idle connections (MB)", rss, (rss - base) * 1024 / target);
                if (target < wanted) {
                    out.printf("%-52s %14.0f   (linear extrapolation, not measured)%n",
                            "proxy RSS with " + wanted + " idle connections (MB)", base + (rss - base) * wanted / target);
                }
            }
        } finally {
            for (BenchClient c : open) {
                c.close();
            }
        }
    }

    /** Messages per write: full batches of {@code batch}, then the rest, so exactly {@code total} in all. */
    static int[] batches(int total, int batch) {
        int full = total / batch;
        int rest = total % batch;
        int[] out = new int[full + (rest > 0 ? 1 : 0)];
        Arrays.fill(out, 0, full, batch);
        if (rest > 0) {
            out[full] = rest;
        }
        return out;
    }

    private static byte[] repeatFrames(BenchClient c, String command, int size, int count) {
        byte[] one = c.frame(command, new byte[size]);
        byte[] all = new byte[one.length * count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        return all;
    }

    private static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static long openFileLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return 1024;
    }
}
