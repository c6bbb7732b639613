package org.bip324proxy.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real proxy jar in a child JVM, with its log (stderr) collected line by line. */
public final class ProxyProcess implements AutoCloseable {
    private final Process process;
    private final List<String> log = new ArrayList<>();

    public ProxyProcess(Path jar, String... args) throws IOException {
        this(List.of(), jar, args);
    }

    /** The same, started through {@code launcher} (e.g. {@code prlimit --nofile=N:N}). */
    public ProxyProcess(List<String> launcher, Path jar, String... args) throws IOException {
        this(launcher, List.of(), jar, args);
    }

    /** The jar on a JVM started with {@code jvmOptions} (e.g. {@code -Xmx64m}). */
    public static ProxyProcess withJvmOptions(List<String> jvmOptions, Path jar, String... args) throws IOException {
        return new ProxyProcess(List.of(), jvmOptions, jar, args);
    }

    private ProxyProcess(List<String> launcher, List<String> jvmOptions, Path jar, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.add(java());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PATH", SystemTestSupport.childPath());
        process = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (log) {
                        log.add(line);
                        log.notifyAll();
                    }
                }
            } catch (IOException e) {
                // process gone
            }
        }, "proxy-log");
        reader.setDaemon(true);
        reader.start();
    }

    /** The jar under test ({@code -Dbip324.jar}); fails clearly when missing (run through failsafe). */
    public static Path jar() {
        String jar = System.getProperty("bip324.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property bip324.jar must name the built proxy jar (got " + jar
                    + "): run these tests with 'mvn verify', which packages it first");
        }
        return Path.of(jar);
    }

    /** The java launcher of the JVM running the tests (so CI on JDK 25 runs the proxy on 25). */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public Process process() {
        return process;
    }

    /** Waits for a log line matching {@code regex} and returns its match (group 1 if any, else the line). */
    public String awaitLog(String regex, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (log) {
            int seen = 0;
            while (true) {
                for (; seen < log.size(); seen++) {
                    Matcher m = p.matcher(log.get(seen));
                    if (m.find()) {
                        return m.groupCount() > 0 ? m.group(1) : log.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no log line matching /" + regex + "/ within " + timeout + "; log:\n" + logText());
                }
                log.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    public String logText() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    /**
     * Sends SIGTERM (what systemd sends to stop a service). Through the process handle: Process.destroy()
     * would also close our end of the child's stderr, and the log after the signal would be lost.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the exit; fails with the log if it takes too long. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("proxy still running after " + timeout + "; log:\n" + logText());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
