package org.bip324proxy.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.engine.EngineConfig;
import org.bip324proxy.engine.ProxyServer;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.SessionSettings;
import org.bip324proxy.v1.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bip324-proxy bench}: in one process, a v1 client talks through the real proxy engine to a
 * BIP324 peer over loopback, and the same workloads run through a plain TCP relay to a v1 peer as
 * the baseline. Prints one table. Figures depend on the machine; see docs/performance.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure the proxy on loopback: bulk MB/s each way, small-message rate, ping latency, "
                + "handshakes/s and RSS with idle connections, next to a plain TCP relay baseline.",
            "Idle-connection figures need about 4 file descriptors per connection: run as root with "
                    + "'ulimit -n 65536' for 10,000."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--bulk-messages", defaultValue = "300", description = "1 MB messages per direction. Default: ${DEFAULT-VALUE}.")
    int bulkMessages;

    @Option(names = "--small-messages", defaultValue = "200000", description = "100-byte messages for the rate test. Default: ${DEFAULT-VALUE}.")
    int smallMessages;

    @Option(names = "--pings", defaultValue = "3000", description = "Sequential ping round trips. Default: ${DEFAULT-VALUE}.")
    int pings;

    @Option(names = "--handshakes", defaultValue = "300", description = "Sequential connections for handshakes/s. Default: ${DEFAULT-VALUE}.")
    int handshakes;

    @Option(names = "--idle", split = ",", defaultValue = "1000,10000",
            description = "Idle connection counts at which RSS is measured. Default: ${DEFAULT-VALUE}.")
    List<Integer> idle;

    @Option(names = "--aead", defaultValue = "auto", description = "auto, jdk or bouncy-castle. Default: ${DEFAULT-VALUE}.")
    String aead;

    private static final int MB = 1 << 20;
    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        AeadBackend backend = aead.equals("auto") ? AeadBackend.preferred() : AeadBackend.parse(aead);
        Network net = Network.MAINNET;
        SessionSettings settings = new SessionSettings(List.of(net), SessionSettings.DestinationMode.ADDR_RECV, false,
                Optional.empty(), backend, a -> false, new SecureRandom());
        EngineConfig config = new EngineConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), false,
                Runtime.getRuntime().availableProcessors(), 100_000, Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofSeconds(5), 1 << 20);
        EventLog quiet = new EventLog(System.err, EventLog.Format.TEXT, EventLog.Level.ERROR);
        out.printf("bip324-proxy bench: Java %s, AEAD %s, %d CPUs, loopback%n", Runtime.version(), backend.cliName(),
                Runtime.getRuntime().availableProcessors());
        try (BenchPeer v2Peer = new BenchPeer(true, net);
                BenchPeer v1Peer = new BenchPeer(false, net);
                ProxyServer proxy = new ProxyServer(config, settings, quiet);
                PlainRelay relay = new PlainRelay(v1Peer.address())) {
            proxy.start();
            InetSocketAddress proxyAddr = proxy.boundAddresses().get(0);
            Target p = new Target(proxyAddr, v2Peer.address(), net);
            Target r = new Target(relay.address(), v1Peer.address(), net);
            warmUp(p);
            warmUp(r);
            out.printf("%-44s %14s %14s%n", "metric", "proxy v1→v2", "plain relay");
            row("bulk upstream, 1 MB messages (MB/s)", bulkUp(p), bulkUp(r), "%.0f");
            row("bulk downstream, 1 MB messages (MB/s)", bulkDown(p), bulkDown(r), "%.0f");
            row("small messages, 100 B (msg/s)", smallRate(p), smallRate(r), "%.0f");
            double[] lp = pingLatency(p);
            double[] lr = pingLatency(r);
            row("ping round trip p50 (µs)", lp[0], lr[0], "%.1f");
            row("ping round trip p99 (µs)", lp[1], lr[1], "%.1f");
            out.printf("%-44s %14.1f / %.1f%n", "added ping latency p50 / p99 (µs)", lp[0] - lr[0], lp[1] - lr[1]);
            row("handshakes/s (connect+BIP324+VERSION)", handshakeRate(p), handshakeRate(r), "%.0f");
            idleMemory(p);
        }
        return 0;
    }

    private record Target(InetSocketAddress connect, InetSocketAddress peer, Network network) {
        BenchClient open() throws IOException {
            return open(256 * 1024);
        }

        BenchClient open(int readBufferSize) throws IOException {
            BenchClient c = new BenchClient(connect, network, readBufferSize);
            c.handshake(peer);
            return c;
        }
    }

    private void row(String name, double proxy, double baseline, String fmt) {
        out.printf("%-44s %14s %14s%n", name, String.format(fmt, proxy), String.format(fmt, baseline));
    }

    /** Lets the JIT compile the hot paths before anything is measured. */
    private void warmUp(Target t) throws Exception {
        for (int i = 0; i < 3; i++) {
            try (BenchClient c = t.open()) {
                c.write(repeatFrames(c, "inv", 100, 20_000));
                c.send("ping", new byte[8]);
                c.expect("pong");
                bulkDown(c, 20);
            }
        }
    }

    private double bulkUp(Target t) throws Exception {
        try (BenchClient c = t.open()) {
            byte[] block = new byte[MB];
            byte[] frame = c.frame("block", block);
            long start = System.nanoTime();
            for (int i = 0; i < bulkMessages; i++) {
                c.write(frame);
            }
            c.send("ping", new byte[8]);
            c.expect("pong"); // in order: every block was delivered before the pong
            return mbPerSecond((long) bulkMessages * MB, System.nanoTime() - start);
        }
    }

    private double bulkDown(Target t) throws Exception {
        try (BenchClient c = t.open()) {
            return bulkDown(c, bulkMessages);
        }
    }

    private double bulkDown(BenchClient c, int count) throws Exception {
        byte[] req = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(count).putInt(MB).array();
        long start = System.nanoTime();
        c.send(BenchPeer.BULK_REQUEST, req);
        for (int i = 0; i < count; i++) {
            c.expect("block");
        }
        return mbPerSecond((long) count * MB, System.nanoTime() - start);
    }

    private double smallRate(Target t) throws Exception {
        try (BenchClient c = t.open()) {
            int batch = 10_000;
            byte[] frames = repeatFrames(c, "inv", 100, batch);
            long start = System.nanoTime();
            for (int sent = 0; sent < smallMessages; sent += batch) {
                c.write(frames);
            }
            c.send("ping", new byte[8]);
            c.expect("pong");
            long elapsed = System.nanoTime() - start;
            return (smallMessages / batch * (double) batch) / (elapsed / 1e9);
        }
    }

    private double[] pingLatency(Target t) throws Exception {
        try (BenchClient c = t.open()) {
            long[] rtt = new long[pings];
            byte[] nonce = new byte[8];
            for (int i = 0; i < pings; i++) {
                long start = System.nanoTime();
                c.send("ping", nonce);
                c.expect("pong");
                rtt[i] = System.nanoTime() - start;
            }
            Arrays.sort(rtt);
            return new double[] {rtt[pings / 2] / 1e3, rtt[(int) (pings * 0.99)] / 1e3};
        }
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

    private void idleMemory(Target t) throws Exception {
        long limit = openFileLimit();
        List<BenchClient> open = new ArrayList<>();
        try {
            double base = rssMb();
            out.printf("%-44s %14.0f%n", "RSS before idle connections (MB)", base);
            for (int target : idle) {
                long needed = 4L * target + 200;
                if (needed > limit) {
                    out.printf("%-44s %14s%n", "RSS with " + target + " idle connections",
                            "skipped: needs " + needed + " fds, limit " + limit + " (root: ulimit -n 65536)");
                    continue;
                }
                while (open.size() < target) {
                    open.add(t.open(1024));
                }
                double rss = rssMb();
                out.printf("%-44s %14.0f   (%.1f KB per connection incl. client and peer)%n",
                        "RSS with " + target + " idle connections (MB)", rss, (rss - base) * 1024 / target);
            }
        } finally {
            for (BenchClient c : open) {
                c.close();
            }
        }
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

    /** Resident set size of this process after a GC, from /proc/self/status. */
    private static double rssMb() throws IOException, InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return Double.NaN;
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
