package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The command line as a user meets it: help, version, and every bad input answered on stderr. */
@Tag("fast")
class MainTest {
    /** Exit code and both streams of one run. */
    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(), err.toString());
        });
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        Run r = run("--help");
        assertEquals(0, r.exitCode(), r.err());
        String help = r.out().replaceAll("\\s+", " ");
        int checked = 0;
        for (OptionSpec option : Main.commandLine().getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String shown = option.negatable() ? "--[no-]" + option.longestName().substring(2) : option.longestName();
            assertTrue(help.contains(shown), shown + " missing from:\n" + r.out());
            String description = String.join(" ", option.description());
            assertTrue(description.contains("Default:"), option.longestName() + " does not state its default");
            if (option.defaultValue() != null) {
                assertTrue(help.contains("Default: " + option.defaultValue()),
                        option.longestName() + ": default " + option.defaultValue() + " not shown in:\n" + r.out());
            }
            checked++;
        }
        assertTrue(checked >= 15, "only " + checked + " options found");
    }

    @Test
    void versionNamesTheProgramAndJava() {
        Run r = run("--version");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("bip324-proxy "), r.out());
        assertTrue(r.out().contains("Java " + Runtime.version()), r.out());
    }

    @Test
    void badListenAddressIsExplained() {
        assertUsageError(run("--listen", "localhost"), "expected HOST:PORT, e.g. 127.0.0.1:1324 or [::1]:1324");
        assertUsageError(run("--listen", "[::1]"), "write IPv6 addresses as [ADDRESS]:PORT");
        assertUsageError(run("--listen", "no-such-host.invalid:1324"), "unknown host 'no-such-host.invalid'");
    }

    @Test
    void badPortIsExplained() {
        assertUsageError(run("--listen", "127.0.0.1:70000"), "port must be 0..65535");
        assertUsageError(run("--listen", "127.0.0.1:http"), "port 'http' is not a number");
    }

    @Test
    void badDurationIsExplained() {
        assertUsageError(run("--connect-timeout", "10 parsecs"), "is not a duration: use e.g. 500ms, 10s, 5m, 1h");
        assertUsageError(run("--idle-timeout", "0s"), "duration must be positive");
    }

    @Test
    void durationsBeyondThirtyDaysAreRejectedAtStartup() {
        assertUsageError(run("--first-message-timeout", "3000000h"), "duration must be at most 720h");
        assertUsageError(run("--idle-timeout", "99999999999999999999s"), "is not a duration");
    }

    @Test
    void badSizeIsExplained() {
        assertUsageError(run("--buffer-limit", "4X"), "is not a size: use e.g. 65536, 64K, 4M, 1G");
        assertUsageError(run("--buffer-limit", "2G"), "size must be between 1K and 1G");
    }

    @Test
    void badSocks5OptionsAreExplained(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertUsageError(run("--socks5", "localhost"), "expected HOST:PORT");
        assertUsageError(run("--upstream-socks5", "127.0.0.1:9050", "--upstream-for", "tor"), "--upstream-for must be all or onion, got 'tor'");
        Path users = Files.writeString(dir.resolve("users"), "# users\nalice\n");
        assertUsageError(run("--socks5-auth", users.toString()), "--socks5-auth needs a --socks5 listener");
        assertUsageError(run("--socks5", "127.0.0.1:0", "--socks5-auth", users.toString()),
                "--socks5-auth " + users + ": line 2: expected USERNAME:PASSWORD");
        assertUsageError(run("--socks5", "127.0.0.1:0", "--socks5-auth", dir.resolve("missing").toString()), "--socks5-auth: cannot read");
    }

    @Test
    void countsOutOfRangeAreRejected() {
        assertUsageError(run("--threads", "0"), "--threads must be 1..256");
        assertUsageError(run("--max-connections", "0"), "--max-connections must be at least 1");
    }

    @Test
    void aBadOptionGetsOneLineAndAPointerToHelp() {
        Run r = run("--no-such-option");
        assertEquals(2, r.exitCode());
        assertEquals(List.of("bip324-proxy: Unknown option: '--no-such-option'",
                "Try 'bip324-proxy --help' for the options."), r.err().lines().toList());
        Run sub = run("status", "--interval", "soon");
        assertEquals(2, sub.exitCode());
        assertEquals(2, sub.err().lines().count(), sub.err());
        assertTrue(sub.err().contains("Try 'bip324-proxy status --help'"), sub.err());
    }

    @Test
    void benchRejectsAnUnknownBackendAsABadCommandLine() {
        Run r = run("bench", "--aead=foo");
        assertUsageError(r, "--aead must be auto, jdk or bouncy-castle, got 'foo'");
        assertEquals(2, r.exitCode());
    }

    @Test
    void helpExplainsFormatsExitCodesAndExamples() {
        String help = run("--help").out();
        for (String expected : List.of("Exit codes:", "2   bad command line", "Examples:", "Formats:",
                Durations.FORMAT_HELP, Sizes.FORMAT_HELP, "NAME:MAGICHEX[:PORT]", "status", "selftest", "bench", "help")) {
            assertTrue(help.replaceAll("\\s+", " ").contains(expected.replaceAll("\\s+", " ")),
                    expected + " missing from:\n" + help);
        }
    }

    @Test
    void helpIsACommand() {
        Run main = run("help");
        assertEquals(0, main.exitCode(), main.err());
        assertEquals(run("--help").out(), main.out());
        Run status = run("help", "status");
        assertEquals(0, status.exitCode(), status.err());
        assertTrue(status.out().contains("--control-socket"), status.out());
    }

    @Test
    void badChoicesAreExplained() {
        assertUsageError(run("--destination", "somewhere"), "--destination must be auto, original-dst, addr-recv or tproxy");
        assertUsageError(run("--log-level", "loud"), "--log-level must be debug, info, warn or error");
        assertUsageError(run("--network", "moonnet"), "moonnet");
    }

    /** Checked once at startup: before, a bad suffix started fine and then failed every connection. */
    @Test
    void badUserAgentSuffixIsRefusedAtStartup() {
        assertUsageError(run("--listen", "127.0.0.1:0", "--user-agent-suffix", "proxy\n/"),
                "--user-agent-suffix: user agent suffix must be printable ASCII; char U+000A at index 5");
        assertUsageError(run("--listen", "127.0.0.1:0", "--user-agent-suffix", "x".repeat(257)),
                "--user-agent-suffix: user agent suffix has 257 characters; a user agent holds at most 256");
    }

    @Test
    void badAllowDestinationIsExplained() {
        assertUsageError(run("--allow-destination", "localhost"), "--allow-destination 'localhost': 'localhost' is not an IPv4 or IPv6 address");
        assertUsageError(run("--allow-destination", "10.0.0.1/8"), "address bits set beyond the /8 prefix");
    }

    @Test
    void badInboundIsExplained() {
        assertUsageError(run("--inbound", "0.0.0.0:8333"), "--inbound '0.0.0.0:8333': expected LISTEN=NODE");
        assertUsageError(run("--inbound", "0.0.0.0:8333=node"), "--inbound '0.0.0.0:8333=node': 'node': expected HOST:PORT");
        assertUsageError(run("--inbound", "0.0.0.0:8333=0.0.0.0:8334"), "the node needs a real address and port");
        assertUsageError(run("--inbound", "127.0.0.1:8333=127.0.0.1:8333"), "the node cannot be the listener itself");
        assertUsageError(run("--inbound", "127.0.0.1:8333=127.0.0.1:8334", "--inbound-network", "moonnet"),
                "--inbound-network: invalid network \"moonnet\"");
        assertUsageError(run("--inbound", "[::]:8333=127.0.0.1:8334", "--inbound-transparent"),
                "--inbound '[::]:8333=127.0.0.1:8334': with --inbound-transparent the node must be reachable in the "
                        + "listener's IP family");
    }

    @Test
    void inboundPortInUseNamesTheOption() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = ((InetSocketAddress) taken.getLocalSocketAddress()).getPort();
            Run r = run("--listen", "127.0.0.1:0", "--no-control-socket", "--inbound", "127.0.0.1:" + port + "=127.0.0.1:1");
            assertEquals(1, r.exitCode(), r.err());
            assertTrue(r.err().contains("choose another --inbound address"), r.err());
        }
    }

    @Test
    void portInUseIsExplained() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = ((InetSocketAddress) taken.getLocalSocketAddress()).getPort();
            Run r = run("--listen", "127.0.0.1:" + port, "--no-control-socket");
            assertEquals(1, r.exitCode(), r.err());
            assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + port), r.err());
            assertTrue(r.err().contains("choose another --listen address"), r.err());
        }
    }

    @Test
    void runningInTheRedirectGroupIsRefused() throws Exception {
        Optional<String> ownGroup = primaryGroupName();
        assumeTrue(ownGroup.isPresent(), "primary group has no name in /etc/group");
        Run r = run("--listen", "127.0.0.1:0", "--redirect-group", ownGroup.get());
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("runs with primary group " + ownGroup.get()), r.err());
        assertTrue(r.err().contains("Start it with another primary group"), r.err());
    }

    private static void assertUsageError(Run r, String message) {
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains(message), "expected '" + message + "' on stderr, got:\n" + r.err());
        assertTrue(r.out().isEmpty(), "nothing belongs on stdout:\n" + r.out());
    }

    private static Optional<String> primaryGroupName() throws java.io.IOException {
        String gid = Long.toString(new com.sun.security.auth.module.UnixSystem().getGid());
        return Files.readAllLines(Path.of("/etc/group")).stream()
                .map(l -> l.split(":", -1))
                .filter(f -> f.length > 2 && f[2].equals(gid))
                .map(f -> f[0])
                .findFirst();
    }
}
