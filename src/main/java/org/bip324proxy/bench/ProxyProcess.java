package org.bip324proxy.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bip324proxy.crypto.AeadBackend;

/**
 * The proxy started as a child JVM from this program's own class path, so that its resident memory
 * can be read on its own (and its sockets count against its own descriptor limit, not the bench's).
 * It takes the destination from addr_recv and logs only errors.
 */
final class ProxyProcess implements AutoCloseable {
    private final Process process;
    private final InetSocketAddress address;

    private ProxyProcess(Process process, InetSocketAddress address) {
        this.process = process;
        this.address = address;
    }

    /** Starts the proxy with {@code maxHeap} (e.g. "256m") and waits until it accepts connections. */
    static ProxyProcess start(AeadBackend aead, String maxHeap, int maxConnections) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeap,
                "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "org.bip324proxy.cli.Main",
                "--listen", "127.0.0.1:" + port, "--destination", "addr-recv", "--allow-destination", "127.0.0.1",
                "--no-control-socket",
                "--max-connections", Integer.toString(maxConnections),
                "--max-connections-per-source", Integer.toString(maxConnections), "--idle-timeout", "1h",
                "--aead", aead.cliName(), "--log-level", "error"));
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(address, 1000);
                return new ProxyProcess(p, address);
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IOException("the proxy process did not start listening on " + address
                            + (p.isAlive() ? " within 30 s" : " (exit " + p.waitFor() + ")"));
                }
                Thread.sleep(100);
            }
        }
    }

    InetSocketAddress address() {
        return address;
    }

    /**
     * Resident set size of the proxy process, from /proc/PID/status, after a full GC requested with
     * the JDK's jcmd (as the in-process figures did with System.gc()) so that garbage left by the
     * handshakes does not count as memory per connection. Without jcmd (a JRE) the RSS is read as is.
     */
    double rssMb() throws IOException, InterruptedException {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
        if (Files.isExecutable(jcmd)) {
            Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.run")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            gc.waitFor(30, TimeUnit.SECONDS);
            Thread.sleep(500);
        }
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS in /proc/" + process.pid() + "/status");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
