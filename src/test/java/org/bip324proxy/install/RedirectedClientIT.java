package org.bip324proxy.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.testsupport.Child;
import org.bip324proxy.testsupport.Cleanup;
import org.bip324proxy.testsupport.CloseLine;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.NetNs;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.bip324proxy.testsupport.TempGroup;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole local set-up end to end, in network namespaces: a rule script installed with a
 * temporary group, the real jar started through the shipped launcher with its default listeners,
 * an unmodified v1 client process whose primary group is that group, and a BIP324 peer in a second
 * namespace. The client talks to the peer's address; the session must be v2 with the peer.
 */
@Tag("system")
class RedirectedClientIT {

    private static final int P2P_PORT = 8333;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();
    private NetNs host;
    private NetNs remote;
    private NetNs.Veth link;
    private TempGroup group;

    @BeforeEach
    void namespaces() throws Exception {
        SystemTestSupport.requireRootNetworking("iptables", "ip6tables", "iptables-restore", "nft", "bash", "env",
                "groupadd", "groupdel");
        host = cleanup.keep(NetNs.create());
        remote = cleanup.keep(NetNs.create());
        link = host.linkTo(remote);
        group = cleanup.keep(TempGroup.create());
    }

    static Stream<Arguments> scriptsAndFamilies() {
        return Stream.of(RedirectScript.values())
                .flatMap(s -> Stream.of("IPv4", "IPv6").map(f -> Arguments.of(s, f)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("scriptsAndFamilies")
    void aClientInTheGroupGetsABip324SessionWithThePeerItDialled(RedirectScript script, String family)
            throws Exception {
        InetAddress peerAddress = family.equals("IPv4") ? link.thereV4() : link.thereV6();
        V2EchoPeer peer = cleanup.keep(remote.call(() -> new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()),
                new InetSocketAddress(peerAddress, P2P_PORT))));
        script.check(host, "install", "--group", group.name());
        Child proxy = startProxy();

        Child client = cleanup.keep(host.startAsGid(group.gid(), javaCommand(V1ClientProbe.class.getName(),
                peerAddress.getHostAddress(), Integer.toString(P2P_PORT))));

        assertEquals("version echoed", client.awaitLine(WAIT));
        assertEquals("pong", client.awaitLine(WAIT));
        assertEquals(0, client.waitFor(WAIT), client.stderr());
        assertEquals(1, peer.sessionIds().size(), "peer errors: " + peer.errors());
        String sessionId = peer.sessionIds().get(0);
        awaitEvent(proxy, "v2").assertField("session_id", sessionId);
        LogLine close = awaitEvent(proxy, "close");
        // The destination came from SO_ORIGINAL_DST: the address the client dialled.
        close.assertField("dest", Endpoints.format(new InetSocketAddress(peerAddress, P2P_PORT))).assertField("via", "so_original_dst");
        close.assertField("transport", "v2");
        CloseLine.assertCause("ok", close);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("scriptsAndFamilies")
    void tproxyRouterModeHandsLanConnectionsToTheTransparentProxy(RedirectScript script, String family)
            throws Exception {
        // host is the router: lan ── host ── remote.
        NetNs lan = cleanup.keep(NetNs.create());
        NetNs.Veth lanLink = host.linkTo(lan);
        lan.exec("ip", "route", "add", "default", "via", lanLink.hereV4().getHostAddress());
        lan.exec("ip", "-6", "route", "add", "default", "via", lanLink.hereV6().getHostAddress());
        InetAddress peerAddress = family.equals("IPv4") ? link.thereV4() : link.thereV6();
        V2EchoPeer peer = cleanup.keep(remote.call(() -> new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()),
                new InetSocketAddress(peerAddress, P2P_PORT))));
        String rulesBefore = RedirectScript.ruleset(host);
        String routingBefore = policyRouting(host);

        script.check(host, "install", "--group", group.name(), "--router-iface", lanLink.hereIf(), "--tproxy");
        assertTrue(policyRouting(host).contains("fwmark 0x324 lookup 324"), policyRouting(host));
        Child proxy = startProxy("--destination", "tproxy", "--listen", "0.0.0.0:1324,[::]:1324");

        Child client = cleanup.keep(lan.start(javaCommand(V1ClientProbe.class.getName(),
                peerAddress.getHostAddress(), Integer.toString(P2P_PORT))));
        assertEquals("version echoed", client.awaitLine(WAIT));
        assertEquals("pong", client.awaitLine(WAIT));
        assertEquals(0, client.waitFor(WAIT), client.stderr());
        assertEquals(1, peer.sessionIds().size(), "peer errors: " + peer.errors());
        LogLine close = awaitEvent(proxy, "close");
        close.assertField("dest", Endpoints.format(new InetSocketAddress(peerAddress, P2P_PORT))).assertField("via", "tproxy");
        close.assertField("transport", "v2");

        script.check(host, "uninstall", "--group", group.name());
        assertEquals(routingBefore, policyRouting(host));
        assertFalse(RedirectScript.ruleset(host).toLowerCase().contains("bip324"));
        if (script == RedirectScript.NFTABLES) {
            assertEquals(rulesBefore, RedirectScript.ruleset(host));
        }
    }

    private static String policyRouting(NetNs ns) throws IOException {
        return ns.exec("ip", "-4", "rule") + ns.exec("ip", "-6", "rule")
                + ns.run(null, WAIT, "ip", "-4", "route", "show", "table", "324").stdout()
                + ns.run(null, WAIT, "ip", "-6", "route", "show", "table", "324").stdout();
    }

    /** The real jar through the shipped launcher, logging to stdout; default listeners unless given. */
    private Child startProxy(String... options) throws Exception {
        String jar = System.getProperty("bip324.jar");
        SystemTestSupport.require(jar != null && Files.isRegularFile(Path.of(jar)),
                "the proxy jar is missing (bip324.jar=" + jar + "); run through 'mvn verify'");
        String launcher = ShippedScripts.path("systemd/bip324-proxy").toString();
        List<String> command = new ArrayList<>(List.of("env", "BIP324_PROXY_JAR=" + jar,
                "JAVA_HOME=" + System.getProperty("java.home"), "BIP324_PROXY_JVM_DIR=/nonexistent",
                "bash", "-c", "exec \"$0\" \"$@\" 2>&1", launcher, "--verbose", "--redirect-group", group.name(),
                "--no-control-socket")); // not the host service's /run/bip324-proxy/control.sock
        command.addAll(List.of(options));
        Child proxy = cleanup.keep(host.start(command.toArray(String[]::new)));
        String first = proxy.awaitLine(WAIT);
        assertTrue(first.startsWith("bip324-proxy: using Java "), first);
        awaitEvent(proxy, "listening");
        return proxy;
    }

    /** The proxy's next {@code event} line, reading its log as it comes. */
    private static LogLine awaitEvent(Child proxy, String event) throws IOException, InterruptedException {
        List<String> seen = new ArrayList<>();
        while (true) {
            String line = proxy.awaitLine(WAIT);
            LogLine l = LogLine.parse(line);
            if (l != null && l.event().equals(event)) {
                return l;
            }
            seen.add(line);
            if (seen.size() > 200) {
                throw new AssertionError("no '" + event + "' line in the proxy log:\n" + String.join("\n", seen));
            }
        }
    }

    private static String[] javaCommand(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                mainClass));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }
}
