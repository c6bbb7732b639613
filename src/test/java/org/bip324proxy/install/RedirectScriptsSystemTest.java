package org.bip324proxy.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.bip324proxy.os.OriginalDestination;
import org.bip324proxy.testsupport.Cleanup;
import org.bip324proxy.testsupport.Child;
import org.bip324proxy.testsupport.Cmd;
import org.bip324proxy.testsupport.NetNs;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.bip324proxy.testsupport.TempGroup;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shipped rule scripts (iptables/ and nftables/), run as root inside network namespaces the
 * test creates, so the host's firewall is never touched. Namespace {@code host} runs the scripts
 * and a plain listener standing in for the proxy on its default port; namespace {@code remote} is
 * a peer on the other end of a veth pair, listening on 8333.
 */
@Tag("system")
class RedirectScriptsSystemTest {

    private static final int P2P_PORT = 8333;
    private static final int PROXY_PORT = 1324;
    private static final Duration WAIT = Duration.ofSeconds(15);

    enum Family { V4, V6 }

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();
    private NetNs host;
    private NetNs remote;
    private NetNs.Veth link;
    private TempGroup group;

    @BeforeEach
    void namespaces() throws Exception {
        SystemTestSupport.requireRootNetworking("iptables", "ip6tables", "iptables-save", "ip6tables-save",
                "iptables-restore", "nft", "bash", "timeout", "groupadd", "groupdel");
        host = cleanup.keep(NetNs.create());
        remote = cleanup.keep(NetNs.create());
        link = host.linkTo(remote);
        group = cleanup.keep(TempGroup.create());
    }

    static Stream<Arguments> scriptsAndFamilies() {
        return Stream.of(RedirectScript.values())
                .flatMap(s -> Stream.of(Family.values()).map(f -> Arguments.of(s, f)));
    }

    // ---------------------------------------------------------------- tests

    @ParameterizedTest(name = "{0}")
    @EnumSource(RedirectScript.class)
    void installTwiceLeavesTheRulesOnce(RedirectScript script) throws Exception {
        script.check(host, "install", "--group", group.name());
        String once = RedirectScript.ruleset(host);
        script.check(host, "install", "--group", group.name());
        String twice = RedirectScript.ruleset(host);

        assertEquals(once, twice);
        String gid = Long.toString(group.gid());
        if (script == RedirectScript.IPTABLES) {
            for (String tool : List.of("iptables", "ip6tables")) {
                String output = host.exec(tool, "-t", "nat", "-S", "OUTPUT");
                assertEquals(1, count(output, "-A OUTPUT -j BIP324_PROXY"), output);
                String chain = host.exec(tool, "-t", "nat", "-S", "BIP324_PROXY");
                assertEquals(1, count(chain, "--gid-owner " + gid + " -j DNAT"), chain);
            }
        } else {
            String table = host.exec("nft", "list", "table", "inet", "bip324_proxy");
            assertEquals(1, count(table, "meta skgid " + gid + " tcp dport { 8333, 18333, 18444, 38333, 48333 }"
                    + " dnat ip to 127.0.0.1:1324"), table);
            assertEquals(1, count(table, "dnat ip6 to [::1]:1324"), table);
            assertEquals(1, count(RedirectScript.ruleset(host), "table inet bip324_proxy"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(RedirectScript.class)
    void tproxyModeInstallsOnceAndSwitchingBackRemovesItsRulesAndRoutes(RedirectScript script) throws Exception {
        String[] tproxy = {"install", "--group", group.name(), "--router-iface", link.hereIf(), "--tproxy"};
        script.check(host, tproxy);
        String rules = RedirectScript.ruleset(host);
        String routing = tproxyRouting(host);
        script.check(host, tproxy);

        assertEquals(rules, RedirectScript.ruleset(host));
        assertEquals(routing, tproxyRouting(host));
        assertEquals(2, count(routing, "fwmark 0x324 lookup 324"), routing);
        assertEquals(2, count(routing, "local default dev lo"), routing);
        assertTrue(rules.contains(script == RedirectScript.IPTABLES ? "-j TPROXY --on-port 1324" : "tproxy ip6 to :1324"),
                rules);

        script.check(host, "install", "--group", group.name(), "--router-iface", link.hereIf());
        assertEquals("", tproxyRouting(host));
        assertFalse(RedirectScript.ruleset(host).toLowerCase().contains("tproxy"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(RedirectScript.class)
    void inboundInstallsOnceAndUninstallRemovesExactlyItsRulesAndRoutes(RedirectScript script) throws Exception {
        addForeignRules(host);
        String before = RedirectScript.ruleset(host);
        String[] inbound = {"install", "--group", group.name(), "--inbound", "--node-port", "8333"};
        script.check(host, inbound);
        String rules = RedirectScript.ruleset(host);
        String routing = inboundRouting(host);
        script.check(host, inbound);

        assertEquals(rules, RedirectScript.ruleset(host));
        assertEquals(routing, inboundRouting(host));
        assertEquals(1, count(routing, "from 127.0.0.1 ipproto tcp sport 8333 lookup 325"), routing);
        assertEquals(1, count(routing, "from ::1 ipproto tcp sport 8333 lookup 325"), routing);
        assertEquals(2, count(routing, "local default dev lo"), routing);
        assertTrue(rules.contains(script == RedirectScript.IPTABLES
                ? "-A BIP324_PROXY_INBOUND ! -i lo -p tcp -m tcp --dport 8333 -j REDIRECT --to-ports 1325"
                : "iifname != \"lo\" meta nfproto { ipv4, ipv6 } tcp dport 8333 redirect to :1325"), rules);

        // Another node port replaces the rule; installing without --inbound drops it all.
        script.check(host, "install", "--group", group.name(), "--inbound", "--node-port", "18444");
        assertEquals(0, count(inboundRouting(host), "sport 8333 "), inboundRouting(host));
        assertEquals(2, count(inboundRouting(host), "sport 18444 lookup 325"), inboundRouting(host));
        script.check(host, "install", "--group", group.name());
        assertEquals("", inboundRouting(host));
        assertFalse(RedirectScript.ruleset(host).contains("1325"));

        script.check(host, inbound);
        script.check(host, "uninstall", "--group", group.name());
        assertEquals("", inboundRouting(host));
        String after = RedirectScript.ruleset(host);
        if (script == RedirectScript.IPTABLES) {
            assertEquals(withoutEmptyBaseChains(before), withoutEmptyBaseChains(after));
        } else {
            assertEquals(before, after);
        }
    }

    /** Our inbound policy rules and the routes of table 325, both families. */
    private static String inboundRouting(NetNs ns) throws IOException {
        StringBuilder out = new StringBuilder();
        for (String family : List.of("-4", "-6")) {
            for (String line : ns.exec("ip", family, "rule").split("\n")) {
                if (line.contains("lookup 325")) {
                    out.append(line).append('\n');
                }
            }
            out.append(ns.run(null, WAIT, "ip", family, "route", "show", "table", "325").stdout());
        }
        return out.toString();
    }

    /** Our policy rules and the routes of table 324, both families. */
    private static String tproxyRouting(NetNs ns) throws IOException {
        StringBuilder out = new StringBuilder();
        for (String family : List.of("-4", "-6")) {
            for (String line : ns.exec("ip", family, "rule").split("\n")) {
                if (line.contains("0x324")) {
                    out.append(line).append('\n');
                }
            }
            out.append(ns.run(null, WAIT, "ip", family, "route", "show", "table", "324").stdout());
        }
        return out.toString();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("scriptsAndFamilies")
    void theGroupsConnectionsReachTheProxyWhichRecoversTheDestination(RedirectScript script, Family family)
            throws Exception {
        ServerSocketChannel[] proxy = proxyListeners(host);
        ServerSocketChannel peer = listen(remote, null, new InetSocketAddress(remoteAddress(family), P2P_PORT));
        script.check(host, "install", "--group", group.name());

        connect(host, group.gid(), remoteAddress(family), P2P_PORT);

        SocketChannel accepted = accept(proxy[family.ordinal()]);
        assertEquals(Optional.of(new InetSocketAddress(remoteAddress(family), P2P_PORT)),
                OriginalDestination.lookup(accepted));
        assertNothingPending(peer);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("scriptsAndFamilies")
    void otherProcessesAreNotRedirected(RedirectScript script, Family family) throws Exception {
        ServerSocketChannel[] proxy = proxyListeners(host);
        ServerSocketChannel peer = listen(remote, null, new InetSocketAddress(remoteAddress(family), P2P_PORT));
        script.check(host, "install", "--group", group.name());
        try (TempGroup other = TempGroup.create()) {
            // Another primary group, and our group as a supplementary one only: neither matches.
            connect(host, other.gid(), remoteAddress(family), P2P_PORT);
            Child supplementary = cleanup.keep(host.start("setpriv", "--regid=" + other.gid(),
                    "--groups=" + group.gid(), "--", "bash", "-c", connectScript(remoteAddress(family), P2P_PORT)));
            assertEquals("connected", supplementary.awaitLine(WAIT));

            accept(peer);
            accept(peer);
            assertNothingPending(proxy[0]);
            assertNothingPending(proxy[1]);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("scriptsAndFamilies")
    void routerModeRedirectsLanHostsAndClosesTheProxyPortToOthers(RedirectScript script, Family family)
            throws Exception {
        // host is now the router: lan ── host ── remote.
        NetNs lan = cleanup.keep(NetNs.create());
        NetNs.Veth lanLink = host.linkTo(lan);
        lan.exec("ip", "route", "add", "default", "via", lanLink.hereV4().getHostAddress());
        lan.exec("ip", "-6", "route", "add", "default", "via", lanLink.hereV6().getHostAddress());
        ServerSocketChannel proxy = listen(host, null, new InetSocketAddress(PROXY_PORT));
        InetAddress routerWanAddress = family == Family.V4 ? link.hereV4() : link.hereV6();

        // Before the rules the WAN side can reach the proxy port: what the guard rule closes.
        connect(remote, 0, routerWanAddress, PROXY_PORT);
        accept(proxy);

        script.check(host, "install", "--group", group.name(), "--router-iface", lanLink.hereIf());

        connect(lan, 0, remoteAddress(family), P2P_PORT);
        SocketChannel accepted = accept(proxy);
        assertEquals(Optional.of(new InetSocketAddress(remoteAddress(family), P2P_PORT)),
                OriginalDestination.lookup(accepted));
        InetAddress lanHost = family == Family.V4 ? lanLink.thereV4() : lanLink.thereV6();
        assertEquals(lanHost, ((InetSocketAddress) accepted.getRemoteAddress()).getAddress());

        Cmd.Result fromWan = remote.run(null, WAIT, "timeout", "3", "bash", "-c",
                connectScript(routerWanAddress, PROXY_PORT));
        assertNotEquals(0, fromWan.exitCode(), "the WAN side still reaches the proxy port: " + fromWan);
        assertFalse(fromWan.stdout().contains("connected"));
        assertNothingPending(proxy);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(RedirectScript.class)
    void uninstallRemovesExactlyWhatInstallAdded(RedirectScript script) throws Exception {
        addForeignRules(host);
        String before = RedirectScript.ruleset(host);

        script.check(host, "install", "--group", group.name(), "--router-iface", link.hereIf());
        String installed = RedirectScript.ruleset(host);
        assertNotEquals(before, installed);
        script.check(host, "uninstall", "--group", group.name());
        script.check(host, "uninstall", "--group", group.name());

        String after = RedirectScript.ruleset(host);
        if (script == RedirectScript.IPTABLES) {
            // iptables-nft creates a built-in chain (e.g. nat PREROUTING) on first use and keeps it,
            // empty, when the last rule goes: iptables-save lists built-in chains either way.
            assertEquals(withoutEmptyBaseChains(before), withoutEmptyBaseChains(after));
        } else {
            assertEquals(before, after);
        }
        assertFalse(after.toLowerCase().contains("bip324"), after);
        assertTrue(after.contains("foreign"), after);
        // The group stays unless --purge.
        assertTrue(Cmd.run(List.of("getent", "group", group.name()), null, WAIT).ok());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(RedirectScript.class)
    void installCreatesTheGroupAndPurgeDeletesIt(RedirectScript script) throws Exception {
        String name;
        try (TempGroup unused = TempGroup.create()) {
            name = unused.name(); // a fresh unique name, free again after close
        }
        try {
            script.check(host, "install", "--group", name);
            assertTrue(Cmd.run(List.of("getent", "group", name), null, WAIT).ok(), "group not created");
            script.check(host, "uninstall", "--group", name, "--purge");
            assertFalse(Cmd.run(List.of("getent", "group", name), null, WAIT).ok(), "group not purged");
        } finally {
            Cmd.run(List.of("groupdel", name), null, WAIT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(RedirectScript.class)
    void dryRunPrintsTheRulesAndChangesNothing(RedirectScript script) throws Exception {
        String before = RedirectScript.ruleset(host);
        String printed = script.check(host, "install", "--group", group.name(), "--dry-run");
        assertEquals(before, RedirectScript.ruleset(host));
        assertTrue(printed.contains(script == RedirectScript.IPTABLES
                ? "--gid-owner " + group.gid() : "define GID = " + group.gid()), printed);
        if (script == RedirectScript.NFTABLES) { // the rules themselves, not include lines
            assertTrue(printed.contains("meta skgid $GID tcp dport $PORTS dnat ip to 127.0.0.1:$PROXY_PORT"), printed);
            assertFalse(printed.contains("include"), printed);
        }

        script.check(host, "install", "--group", group.name());
        String installed = RedirectScript.ruleset(host);
        script.check(host, "uninstall", "--dry-run");
        assertEquals(installed, RedirectScript.ruleset(host));
    }

    @ParameterizedTest(name = "{0} second")
    @EnumSource(RedirectScript.class)
    void installingTheOtherBackendTooWarns(RedirectScript second) throws Exception {
        RedirectScript first = second == RedirectScript.IPTABLES ? RedirectScript.NFTABLES : RedirectScript.IPTABLES;
        Cmd.Result alone = first.run(host, "install", "--group", group.name());
        assertEquals(0, alone.exitCode(), alone.toString());
        assertFalse(alone.stderr().contains("are loaded too"), alone.toString());
        Cmd.Result both = second.run(host, "install", "--group", group.name());
        assertEquals(0, both.exitCode(), both.toString());
        String other = first == RedirectScript.IPTABLES ? "iptables" : "nftables";
        assertTrue(both.stderr().contains("warning: the " + other + " rules of bip324-redirect")
                && both.stderr().contains(other + "/bip324-redirect uninstall"), both.toString());
        second.check(host, "uninstall", "--group", group.name());
        first.check(host, "uninstall", "--group", group.name());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(RedirectScript.class)
    void aHostWithoutIpv6GetsIpv4RulesOnlyAndIsToldWhy(RedirectScript script) throws Exception {
        host.exec("sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/lo/disable_ipv6");
        Cmd.Result install = script.run(host, "install", "--group", group.name());
        assertEquals(0, install.exitCode(), install.toString());
        assertTrue(install.stdout().contains("IPv6 is not available on this host (no ::1): IPv4 rules only"),
                install.toString());
        assertFalse(install.stderr().contains("warning"), install.toString());
        String ip6tables = host.exec("ip6tables-save");
        assertFalse(ip6tables.contains("BIP324"), ip6tables);
        String nft = host.exec("nft", "list", "ruleset");
        assertFalse(nft.contains("ipv6") || nft.contains("::1"), nft);
        assertEquals(0, script.run(host, "status").exitCode());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(RedirectScript.class)
    void statusSaysWhetherTheRulesAreActive(RedirectScript script) throws Exception {
        Cmd.Result inactive = script.run(host, "status");
        assertEquals(3, inactive.exitCode(), inactive.toString());
        script.check(host, "install", "--group", group.name());
        Cmd.Result active = script.run(host, "status");
        assertEquals(0, active.exitCode(), active.toString());
        if (script == RedirectScript.IPTABLES) {
            // The backend as 'iptables -V' reports it.
            String version = host.exec("iptables", "-V");
            String backend = version.contains("nf_tables") ? "nf_tables" : "legacy";
            assertTrue(active.stdout().contains("iptables backend: " + backend), active.stdout());
        }
    }

    @Test
    void iptablesLegacyIsReportedAndWorksTheSame(@TempDir Path legacyBin) throws Exception {
        // A PATH on which iptables & co. are the legacy (x_tables) variants, as on older hosts.
        SystemTestSupport.require(SystemTestSupport.tool("iptables-legacy") != null,
                "iptables-legacy is not installed (part of Debian's iptables package)");
        for (String tool : List.of("iptables", "ip6tables")) {
            for (String suffix : List.of("", "-save", "-restore")) {
                Files.createSymbolicLink(legacyBin.resolve(tool + suffix),
                        Path.of(SystemTestSupport.tool(tool + "-legacy" + suffix)));
            }
        }
        String path = "PATH=" + legacyBin + ":" + SystemTestSupport.childPath();
        String script = RedirectScript.IPTABLES.path().toString();
        for (String tool : List.of("iptables-legacy", "ip6tables-legacy")) {
            host.exec(tool, "-w", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "--dport", "9", "-j", "ACCEPT");
        }
        String before = host.exec("iptables-legacy-save") + host.exec("ip6tables-legacy-save");
        ServerSocketChannel[] proxy = proxyListeners(host);

        String installed = host.exec("env", path, script, "install", "--group", group.name());
        assertTrue(installed.contains("iptables backend: legacy"), installed);
        assertTrue(host.exec("iptables-legacy", "-t", "nat", "-S", "OUTPUT").contains("-A OUTPUT -j BIP324_PROXY"));
        for (Family family : Family.values()) {
            connect(host, group.gid(), remoteAddress(family), P2P_PORT);
            assertEquals(Optional.of(new InetSocketAddress(remoteAddress(family), P2P_PORT)),
                    OriginalDestination.lookup(accept(proxy[family.ordinal()])));
        }

        host.exec("env", path, script, "uninstall");
        String after = host.exec("iptables-legacy-save") + host.exec("ip6tables-legacy-save");
        assertEquals(withoutComments(before), withoutComments(after));
    }

    private static String withoutComments(String save) {
        return save.replaceAll("(?m)^#.*\\n", "").replaceAll("\\[\\d+:\\d+\\]", "[counters]");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(RedirectScript.class)
    void badOptionsFailWithAMessage(RedirectScript script) throws Exception {
        String before = RedirectScript.ruleset(host);
        for (String[] args : List.of(new String[] {"install", "--ports", "8333,x"},
                new String[] {"install", "--proxy-port", "70000"}, new String[] {"install", "--group"},
                new String[] {"install", "--tproxy"}, new String[] {"frobnicate"},
                new String[] {"install", "--node-port", "8333"},
                new String[] {"install", "--inbound", "--node-port", "1325"})) {
            Cmd.Result r = script.run(host, args);
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.stderr().startsWith("bip324-redirect: error: "), r.stderr());
        }
        assertEquals(before, RedirectScript.ruleset(host));
    }

    // ---------------------------------------------------------------- helpers

    private static final Pattern EMPTY_BASE_CHAIN = Pattern.compile(
            "\\n\\n\\tchain [A-Z]+ \\{\\n\\t\\ttype [^\\n]*; policy accept;\\n\\t\\}"
            + "|\\tchain [A-Z]+ \\{\\n\\t\\ttype [^\\n]*; policy accept;\\n\\t\\}\\n\\n");

    private static String withoutEmptyBaseChains(String ruleset) {
        return EMPTY_BASE_CHAIN.matcher(ruleset).replaceAll("");
    }

    private static int count(String text, String needle) {
        return text.split(Pattern.quote(needle), -1).length - 1;
    }

    private InetAddress remoteAddress(Family family) {
        return family == Family.V4 ? link.thereV4() : link.thereV6();
    }

    private static void addForeignRules(NetNs ns) throws IOException {
        for (String tool : List.of("iptables", "ip6tables")) {
            ns.exec(tool, "-w", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "--dport", "9",
                    "-m", "comment", "--comment", "foreign", "-j", "ACCEPT");
            ns.exec(tool, "-w", "-t", "filter", "-A", "INPUT", "-p", "tcp", "--dport", "9",
                    "-m", "comment", "--comment", "foreign", "-j", "ACCEPT");
            ns.exec(tool, "-w", "-t", "nat", "-N", "FOREIGN_CHAIN");
        }
        ns.run("table inet foreign_table {\n  chain output {\n"
                + "    type filter hook output priority 0; policy accept;\n"
                + "    tcp dport 9 accept\n  }\n}\n", WAIT, "nft", "-f", "-").check();
    }

    /** Separate IPv4 and IPv6 loopback listeners on the proxy's default port. */
    private ServerSocketChannel[] proxyListeners(NetNs ns) throws Exception {
        return new ServerSocketChannel[] {
            listen(ns, StandardProtocolFamily.INET, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), PROXY_PORT)),
            listen(ns, StandardProtocolFamily.INET6, new InetSocketAddress(InetAddress.getByName("::1"), PROXY_PORT)),
        };
    }

    private ServerSocketChannel listen(NetNs ns, ProtocolFamily family, InetSocketAddress at) throws Exception {
        return cleanup.keep(ns.call(() -> {
            ServerSocketChannel s = family == null ? ServerSocketChannel.open() : ServerSocketChannel.open(family);
            s.bind(at);
            s.configureBlocking(false);
            return s;
        }));
    }

    private static String connectScript(InetAddress host, int port) {
        // Prints "connected" once the TCP handshake is done, then holds the connection open.
        return "exec 3<>/dev/tcp/" + host.getHostAddress() + "/" + port
                + " && echo connected && read -t 30 -u 3 x; true";
    }

    private void connect(NetNs ns, long gid, InetAddress to, int port) throws Exception {
        Child c = cleanup.keep(ns.startAsGid(gid, "bash", "-c", connectScript(to, port)));
        assertEquals("connected", c.awaitLine(WAIT));
    }

    private SocketChannel accept(ServerSocketChannel server) throws IOException {
        try (Selector selector = Selector.open()) {
            server.register(selector, SelectionKey.OP_ACCEPT);
            if (selector.select(WAIT.toMillis()) == 0) {
                throw new AssertionError("no connection arrived at " + server.getLocalAddress());
            }
        }
        SocketChannel accepted = server.accept();
        if (accepted == null) {
            throw new AssertionError("accept returned nothing at " + server.getLocalAddress());
        }
        return cleanup.keep(accepted);
    }

    private void assertNothingPending(ServerSocketChannel server) throws IOException {
        SocketChannel unexpected = server.accept();
        if (unexpected != null) {
            cleanup.keep(unexpected);
        }
        assertNull(unexpected, "unexpected connection at " + server.getLocalAddress());
    }
}
