package org.bip324proxy.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium} run headless against a page on loopback: the DOM after the page's
 * scripts ran for a virtual-time budget, or a screenshot. Required under {@code CI=true} (.ci/run
 * installs it); skipped elsewhere when missing. Each run gets a fresh profile directory, and no
 * background traffic (component updates, sync, QUIC) leaves the machine.
 */
public final class HeadlessChromium {
    /** Generous: a cold start on a busy 2-core machine takes seconds. */
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final String binary;

    private HeadlessChromium(String binary) {
        this.binary = binary;
    }

    /** The browser, or a skipped test (a failed one under CI=true) when it is not installed. */
    public static HeadlessChromium require() {
        String binary = SystemTestSupport.tool("chromium");
        SystemTestSupport.require(binary != null, "the browser tests need Debian's chromium: apt-get install -y chromium");
        return new HeadlessChromium(binary);
    }

    /** The page's DOM after its scripts ran for {@code budget} of virtual time. */
    public String dumpDom(String url, Duration budget) throws IOException {
        return run(List.of("--virtual-time-budget=" + budget.toMillis(), "--dump-dom", url));
    }

    /** A PNG screenshot of the page after {@code budget} of virtual time. */
    public void screenshot(String url, Duration budget, Path png, int width, int height) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(List.of("--virtual-time-budget=" + budget.toMillis(), "--hide-scrollbars",
                "--window-size=" + width + "," + height, "--screenshot=" + png.toAbsolutePath(), url));
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new IOException("chromium wrote no screenshot to " + png);
        }
    }

    private String run(List<String> args) throws IOException {
        Path profile = Files.createTempDirectory("b324t-chromium");
        List<String> command = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("HOME", profile.toString());
        Process p = pb.start();
        CompletableFuture<String> out = Cmd.drain(p.getInputStream());
        CompletableFuture<String> err = Cmd.drain(p.getErrorStream());
        try {
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("chromium did not finish within " + TIMEOUT + ": " + String.join(" ", command));
            }
            String stdout = out.get(30, TimeUnit.SECONDS);
            if (p.exitValue() != 0) {
                throw new IOException("chromium exited with " + p.exitValue() + ": " + err.get(30, TimeUnit.SECONDS));
            }
            return stdout;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running chromium", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("could not read chromium's output", e);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path x : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        } catch (java.io.UncheckedIOException e) {
            // chromium may still be writing while it exits; the temp dir is cleaned by the OS
        }
    }

}
