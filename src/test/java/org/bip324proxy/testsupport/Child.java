package org.bip324proxy.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A background process started by a test. Its stdout lines can be awaited one by one; its stderr is
 * kept for error messages. {@link #close()} kills it (by its own pid) and waits for it.
 */
public final class Child implements AutoCloseable {

    private static final String EOF = new String("<eof>");

    private final List<String> command;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final CompletableFuture<String> stderr;

    Child(List<String> command) throws IOException {
        this.command = List.copyOf(command);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PATH", SystemTestSupport.childPath());
        pb.environment().put("LC_ALL", "C");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        this.process = pb.start();
        this.stderr = Cmd.drain(process.getErrorStream());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // process gone
            } finally {
                lines.add(EOF);
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    public Process process() {
        return process;
    }

    /** The next stdout line; throws (with the child's stderr) on timeout or end of output. */
    public String awaitLine(Duration timeout) throws IOException, InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new IOException("no output within " + timeout + " from " + String.join(" ", command)
                    + "\nstderr: " + stderr.getNow("(still running)").strip());
        }
        if (line == EOF) {
            lines.add(EOF);
            throw new IOException("child ended without the expected output: " + String.join(" ", command)
                    + describeEnd());
        }
        return line;
    }

    /** Waits for the process to end and returns its exit code; throws on timeout. */
    public int waitFor(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException("child still running after " + timeout + ": " + String.join(" ", command));
        }
        return process.exitValue();
    }

    /** Stderr of a finished child (empty string while it runs). */
    public String stderr() {
        return stderr.getNow("");
    }

    private String describeEnd() {
        try {
            if (process.waitFor(5, TimeUnit.SECONDS)) {
                return "\nexit " + process.exitValue() + ", stderr: " + stderr.get(5, TimeUnit.SECONDS).strip();
            }
        } catch (Exception e) {
            // fall through
        }
        return "";
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
