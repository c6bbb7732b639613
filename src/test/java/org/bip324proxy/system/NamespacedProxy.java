package org.bip324proxy.system;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.bip324proxy.testsupport.Child;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.NetNs;
import org.bip324proxy.testsupport.ProxyProcess;

/**
 * The real proxy jar ({@code -Dbip324.jar}) running as a child process inside a namespace (for one
 * outside any namespace, see {@link ProxyProcess}), with its
 * log (stderr) merged into stdout so tests can wait for individual lines as they appear.
 */
final class NamespacedProxy {

    static final Duration WAIT = Duration.ofSeconds(60);

    private final Child child;
    private final List<String> seen = new ArrayList<>();

    private NamespacedProxy(Child child) {
        this.child = child;
    }

    /**
     * Command line for the jar with {@code args}, stderr merged into stdout. Without a control
     * socket unless {@code args} ask for one: the namespace shares the host's file system, so the
     * default path would be the host service's /run/bip324-proxy/control.sock.
     */
    static String[] command(String... args) {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "exec \"$@\" 2>&1", "sh",
                ProxyProcess.java(), "-Xmx256m", "-jar", ProxyProcess.jar().toString()));
        cmd.addAll(List.of(args));
        if (!cmd.contains("--control-socket")) {
            cmd.add("--no-control-socket");
        }
        return cmd.toArray(String[]::new);
    }

    /** Starts the proxy in {@code ns} (killed with the namespace) and waits for its "listening" line. */
    static NamespacedProxy start(NetNs ns, String... args) throws IOException, InterruptedException {
        NamespacedProxy p = new NamespacedProxy(ns.start(command(args)));
        p.await(l -> l.event().equals("listening"));
        return p;
    }

    /** The next log line (after those already returned) that matches; throws with everything seen on timeout. */
    LogLine await(Predicate<LogLine> wanted) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("proxy did not log the expected line within " + WAIT + "; its output:\n"
                        + String.join("\n", seen));
            }
            String raw;
            try {
                raw = child.awaitLine(Duration.ofNanos(left));
            } catch (IOException e) {
                throw new IOException(e.getMessage() + "\nproxy output so far:\n" + String.join("\n", seen), e);
            }
            seen.add(raw);
            LogLine line = LogLine.parse(raw);
            if (line != null && wanted.test(line)) {
                return line;
            }
        }
    }

    /** The close line of the next connection that ends. */
    LogLine awaitClose() throws IOException, InterruptedException {
        return await(l -> l.event().equals("close"));
    }

    /** Every line read so far, for assertion messages. */
    String output() {
        return String.join("\n", seen);
    }

    boolean isAlive() {
        return child.process().isAlive();
    }
}
