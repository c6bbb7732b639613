package org.bip324proxy.testsupport;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Preconditions for system tests that use real kernel networking (network namespaces, netfilter).
 *
 * <p>Such tests run whenever they can. If a prerequisite is missing they are skipped through a
 * JUnit assumption, except under {@code CI=true}, where they fail: CI installs everything
 * ({@code iptables nftables iproute2}) and runs as root, so a missing piece there is a bug.
 */
public final class SystemTestSupport {

    /** Extra directories searched for tools, as root's PATH usually has them. */
    private static final List<String> EXTRA_PATH = List.of("/usr/local/sbin", "/usr/sbin", "/sbin",
            "/usr/local/bin", "/usr/bin", "/bin");

    private SystemTestSupport() {
    }

    /** True when the environment says this is a CI run ({@code CI=true}). */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Requires root, Linux network namespaces, {@code ip}, {@code setpriv} and the given extra tools
     * (e.g. {@code "iptables", "ip6tables", "nft"}); skips the test otherwise (fails under CI).
     */
    public static void requireRootNetworking(String... tools) {
        List<String> missing = new ArrayList<>();
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            missing.add("Linux");
        } else {
            if (effectiveUid() != 0) {
                missing.add("root (euid 0)");
            }
            if (!Files.isDirectory(Path.of("/proc/self/ns")) || !Files.exists(Path.of("/proc/self/ns/net"))) {
                missing.add("network namespaces");
            }
        }
        Set<String> needed = new LinkedHashSet<>(List.of("ip", "setpriv"));
        needed.addAll(List.of(tools));
        for (String tool : needed) {
            if (tool(tool) == null) {
                missing.add("tool '" + tool + "'");
            }
        }
        require(missing.isEmpty(), "system test prerequisites missing: " + String.join(", ", missing)
                + " (needs root and: apt-get install -y iptables nftables iproute2 util-linux)");
    }

    /** Requires root (for example to add groups) and the given tools; skips otherwise (fails under CI). */
    public static void requireRoot(String... tools) {
        List<String> missing = new ArrayList<>();
        if (effectiveUid() != 0) {
            missing.add("root (euid 0)");
        }
        for (String tool : tools) {
            if (tool(tool) == null) {
                missing.add("tool '" + tool + "'");
            }
        }
        require(missing.isEmpty(), "prerequisites missing: " + String.join(", ", missing));
    }

    private static final java.util.Set<String> SKIP_REASONS_PRINTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Skips (or, under CI, fails) with the message unless the condition holds. */
    public static void require(boolean condition, String message) {
        if (condition) {
            return;
        }
        if (isCi()) {
            fail(message + " [CI=true: failing instead of skipping]");
        }
        if (SKIP_REASONS_PRINTED.add(message)) { // the console shows only skip counts otherwise
            System.out.println("[bip324-proxy tests] skipping system tests: " + message);
        }
        assumeTrue(false, message);
    }

    /** Absolute path of an executable found on PATH or in the usual sbin/bin directories, else null. */
    public static String tool(String name) {
        for (String dir : searchPath()) {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** PATH plus the usual sbin/bin directories, for child processes. */
    public static String childPath() {
        return String.join(":", searchPath());
    }

    private static List<String> searchPath() {
        Set<String> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isEmpty()) {
                    dirs.add(d);
                }
            }
        }
        dirs.addAll(EXTRA_PATH);
        return new ArrayList<>(dirs);
    }

    /** The effective uid from /proc/self/status (no native code needed); -1 if unknown. */
    public static long effectiveUid() {
        return statusId("Uid:", 1);
    }

    /** Field {@code index} (0 real, 1 effective, 2 saved, 3 fs) of a Uid:/Gid: line; -1 if unknown. */
    public static long statusId(String key, int index) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[index]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
