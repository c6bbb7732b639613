package org.bip324proxy.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a short external command with a timeout and captures its output. */
public final class Cmd {

    /** The default limit for one command. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Exit status and output of a finished command. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Returns stdout, or throws with the command's stderr if it failed. */
        public String check() throws IOException {
            if (exitCode != 0) {
                throw new IOException("command failed (exit " + exitCode + "): " + String.join(" ", command)
                        + "\nstderr: " + stderr.strip() + (stdout.isBlank() ? "" : "\nstdout: " + stdout.strip()));
            }
            return stdout;
        }
    }

    private Cmd() {
    }

    /** Runs the command, failing with its stderr if it exits non-zero. */
    public static String check(String... command) throws IOException {
        return run(List.of(command), null, DEFAULT_TIMEOUT).check();
    }

    /** Runs the command and returns its result whatever the exit status; times out with IOException. */
    public static Result run(List<String> command, String stdin, Duration timeout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PATH", SystemTestSupport.childPath());
        pb.environment().put("LC_ALL", "C");
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p = pb.start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (stdin != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new IOException("command timed out after " + timeout + ": " + String.join(" ", command)
                        + "\nstderr so far: " + err.getNow("").strip());
            }
            return new Result(List.copyOf(command), p.exitValue(),
                    out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("could not read the output of " + command, e);
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (stream) {
                f.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.complete("<unreadable: " + e + ">");
            }
        }, "cmd-drain");
        t.setDaemon(true);
        t.start();
        return f;
    }
}
