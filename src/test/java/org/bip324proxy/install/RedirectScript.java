package org.bip324proxy.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.bip324proxy.testsupport.Cmd;
import org.bip324proxy.testsupport.NetNs;

/** One of the two shipped rule scripts, run inside a test's network namespace. */
enum RedirectScript {
    IPTABLES("iptables/bip324-redirect"),
    NFTABLES("nftables/bip324-redirect");

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern COUNTERS = Pattern.compile("\\[\\d+:\\d+\\]");

    private final String relativePath;

    RedirectScript(String relativePath) {
        this.relativePath = relativePath;
    }

    Path path() {
        Path p = Path.of(relativePath).toAbsolutePath();
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(p + " is missing or not executable (run tests from the project root)");
        }
        return p;
    }

    /** Runs the script with the arguments inside {@code ns}; never throws on exit status. */
    Cmd.Result run(NetNs ns, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(path().toString()));
        command.addAll(List.of(args));
        return ns.run(null, TIMEOUT, command.toArray(String[]::new));
    }

    /** Runs the script and throws with its output unless it exits 0. */
    String check(NetNs ns, String... args) throws IOException {
        return run(ns, args).check();
    }

    /**
     * Everything netfilter holds in {@code ns}, as both tool families see it: the nftables
     * ruleset (which includes iptables-nft's tables) and iptables-save/ip6tables-save, all without
     * comments and counters (stray packets, e.g. IPv6 neighbour discovery, move counters).
     */
    static String ruleset(NetNs ns) throws IOException {
        StringBuilder all = new StringBuilder(ns.exec("nft", "--stateless", "list", "ruleset"));
        for (String save : List.of("iptables-save", "ip6tables-save")) {
            for (String line : ns.exec(save).split("\n")) {
                if (!line.startsWith("#")) {
                    all.append(COUNTERS.matcher(line).replaceAll("[counters]")).append('\n');
                }
            }
        }
        return all.toString();
    }
}
