package org.bip324proxy.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.bip324proxy.testsupport.Cmd;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * jffi extracts its native stub into java.io.tmpdir. With a noexec tmpdir (as systemd PrivateTmp
 * may give) native loading fails: the proxy must still start, say clearly what is wrong when native
 * access is needed, and work with {@code -Djffi.extract.dir}. The noexec mount is made in a private
 * mount namespace of the child ({@code unshare -m}), invisible to everything else.
 *
 * <p>jffi 1.4.3, when the tmpdir fails, retries in the working directory; a service usually runs
 * in / (not writable), so the child here runs inside the noexec directory as well.
 */
@Tag("system")
class NativeLoadingTest {

    @Test
    void noexecTmpdirGivesAClearErrorAndJffiExtractDirFixesIt() throws Exception {
        SystemTestSupport.requireRoot("unshare", "mount", "sh");
        Path noexec = Files.createTempDirectory("b324t-noexec-");
        Path exec = Files.createTempDirectory("b324t-exec-");
        try {
            List<String> jvm = new ArrayList<>(ChildJvm.OPENS);
            jvm.add("-Djava.io.tmpdir=" + noexec);
            Cmd.Result broken = Cmd.run(underNoexecMount(noexec, ChildJvm.probe(jvm, "native")),
                    null, Cmd.DEFAULT_TIMEOUT);
            assertEquals(3, broken.exitCode(), broken.stdout() + broken.stderr());
            assertTrue(broken.stdout().contains("fd "), "fd access works without native code: " + broken.stdout());
            // Both native users fail with the explanation, on every call (not only the first).
            assertEquals(2, broken.stdout().lines().filter(l -> l.startsWith("lookup unavailable: ")
                    && l.contains("-Djffi.extract.dir=")).count(), broken.stdout());
            assertTrue(broken.stdout().lines().anyMatch(l -> l.startsWith("identity unavailable: ")
                    && l.contains("-Djffi.extract.dir=")), broken.stdout());
            assertTrue(broken.stderr().isBlank(), broken.stderr());

            jvm.add("-Djffi.extract.dir=" + exec);
            Cmd.Result fixed = Cmd.run(underNoexecMount(noexec, ChildJvm.probe(jvm, "native")),
                    null, Cmd.DEFAULT_TIMEOUT);
            assertEquals(0, fixed.exitCode(), fixed.stdout() + fixed.stderr());
            assertTrue(fixed.stdout().contains("lookup Optional.empty"), fixed.stdout());
            assertTrue(fixed.stdout().contains("gid "), fixed.stdout());
        } finally {
            deleteTree(noexec);
            deleteTree(exec);
        }
    }

    private static List<String> underNoexecMount(Path dir, List<String> command) {
        List<String> full = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
                "sh", "-c", "mount -t tmpfs -o noexec,size=16m b324t-noexec \"$0\" && cd \"$0\" && exec \"$@\"",
                dir.toString()));
        full.addAll(command);
        return full;
    }

    private static void deleteTree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
