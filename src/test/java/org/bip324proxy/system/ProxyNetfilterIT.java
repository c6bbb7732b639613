package org.bip324proxy.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real proxy jar with real netfilter redirection (issue 3, system tests). Namespace "client"
 * is the user's host: it runs the proxy and the nat OUTPUT rules that send the TCP connections of
 * the redirect group (a temporary group) to it. Namespace "remote" is the Internet: BIP324 peers
 * and a plain echo server at its veth addresses. Traffic never leaves the two namespaces.
 */
@Tag("system")
class ProxyNetfilterIT {

    private static final int PROXY_PORT = 1324;
    private static final int PEER_PORT = 8333;
    /** Where a deliberately wrong addr_recv points: a second peer that must never be reached. */
    private static final int DECOY_PORT = 18444;
    /** Nothing listens here in the remote namespace: connections are refused. */
    private static final int CLOSED_PORT = 8335;
    private static final Duration WAIT = Duration.ofSeconds(90);

    enum Family { V4, V6 }

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();
    private NetNs client;
    private NetNs remote;
    private NetNs.Veth link;
    private TempGroup group;

    @BeforeEach
    void namespaces() throws Exception {
        SystemTestSupport.requireRootNetworking("iptables", "ip6tables", "nft", "groupadd", "groupdel", "getent");
        client = cleanup.keep(NetNs.create());
        remote = cleanup.keep(NetNs.create());
        link = client.linkTo(remote);
        group = cleanup.keep(TempGroup.create());
    }

    static Stream<Arguments> redirectsAndFamilies() {
        return Stream.of(Redirect.values()).flatMap(r -> Stream.of(Family.values()).map(f -> Arguments.of(r, f)));
    }

    // ------------------------------------------------------------------ helpers

    private InetAddress remoteIp(Family family) {
        return family == Family.V4 ? link.thereV4() : link.thereV6();
    }

    private InetAddress clientIp(Family family) {
        return family == Family.V4 ? link.hereV4() : link.hereV6();
    }

    private static InetSocketAddress loopbackProxy(Family family) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(family == Family.V4 ? "127.0.0.1" : "::1"), PROXY_PORT);
    }

    private V2EchoPeer peerInRemote(InetSocketAddress at) throws Exception {
        return cleanup.keep(remote.call(() -> new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()), at)));
    }

    /**
     * The proxy with its default listeners (127.0.0.1:1324 and [::1]:1324) unless others are given,
     * allowing addr_recv destinations in the namespaces' private ranges ({@link NetNs}).
     */
    private NamespacedProxy startProxy(String... listen) throws Exception {
        List<String> args = new ArrayList<>(List.of("--redirect-group", group.name(), "--threads", "1",
                "--allow-destination", "10.213.0.0/16", "--allow-destination", "fd00:b324::/32"));
        for (String l : listen) {
            args.add("--listen");
            args.add(l);
        }
        return NamespacedProxy.start(client, args.toArray(String[]::new));
    }

    /** A v1 client inside the client namespace, connecting directly (not redirected: this JVM is gid 0). */
    private V1TestClient directClient(InetSocketAddress proxy) throws Exception {
        return cleanup.keep(client.call(() -> new V1TestClient(proxy, Network.MAINNET, WAIT)));
    }

    /** Runs {@link ClientProgram} with the redirect group as primary gid; returns its output lines. */
    private List<String> runRedirectedClient(String... args) throws Exception {
        Child c = cleanup.keep(ClientProgram.start(client, group.gid(), args));
        int exit = c.waitFor(WAIT);
        List<String> lines = outputOf(c);
        assertEquals(0, exit, "client failed: " + lines + "\nstderr: " + c.stderr());
        return lines;
    }

    /** Every stdout line of a finished child. */
    private static List<String> outputOf(Child finished) throws InterruptedException {
        List<String> lines = new ArrayList<>();
        try {
            while (true) {
                lines.add(finished.awaitLine(Duration.ofSeconds(5)));
            }
        } catch (IOException endOfOutput) {
            return lines;
        }
    }

    private static void assertVersionAndPingWentThrough(List<V1Message> replies, byte[] version, byte[] nonce) {
        assertEquals(2, replies.size());
        assertNotNull(replies.get(0), "proxy closed instead of relaying VERSION");
        assertEquals("version", replies.get(0).command());
        assertArrayEquals(version, replies.get(0).copyPayload());
        assertNotNull(replies.get(1), "proxy closed instead of relaying the pong");
        assertEquals("pong", replies.get(1).command());
        assertArrayEquals(nonce, replies.get(1).copyPayload());
    }

    /** VERSION then ping over a direct connection; returns the two replies (null = EOF). */
    private static List<V1Message> versionAndPing(V1TestClient c, byte[] version, byte[] nonce) throws Exception {
        List<V1Message> replies = new ArrayList<>();
        c.send("version", version);
        replies.add(c.receive());
        c.send("ping", nonce);
        replies.add(c.receive());
        return replies;
    }

    private static void assertRelayedTo(LogLine close, InetSocketAddress dest, String via, V2EchoPeer peer) {
        assertEquals(Endpoints.format(dest), close.get("dest"), close.raw());
        assertEquals(via, close.get("via"), close.raw());
        assertEquals("v2", close.get("transport"), close.raw());
        assertEquals("mainnet", close.get("network"), close.raw());
        assertEquals("ok", close.get("outcome"), close.raw());
        assertEquals(List.of(close.get("session_id")), peer.sessionIds(), close.raw());
    }

    // ------------------------------------------------------------------ tests

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("redirectsAndFamilies")
    void redirectedClientReachesItsRealPeerDespiteAWrongAddrRecv(Redirect redirect, Family family) throws Exception {
        InetSocketAddress real = new InetSocketAddress(remoteIp(family), PEER_PORT);
        InetSocketAddress wrong = new InetSocketAddress(remoteIp(family), DECOY_PORT);
        V2EchoPeer peer = peerInRemote(real);
        V2EchoPeer decoy = peerInRemote(wrong);
        NamespacedProxy proxy = startProxy();
        redirect.install(client, group.gid(), PROXY_PORT);

        List<String> out = runRedirectedClient("v1", real.getAddress().getHostAddress(), "" + PEER_PORT,
                wrong.getAddress().getHostAddress(), "" + DECOY_PORT);

        assertEquals("version echoed", out.get(0));
        assertTrue(out.get(1).startsWith("pong "), out.toString());
        LogLine accept = proxy.await(l -> l.event().equals("accept"));
        // The redirected connection keeps the source address the route to the remote chose.
        String clientHost = Endpoints.format(new InetSocketAddress(clientIp(family), 0)).replaceFirst("0$", "");
        assertTrue(accept.get("client").startsWith(clientHost), accept.raw());
        assertEquals(Endpoints.format(real) + " via so_original_dst", accept.get("original_dst"), accept.raw());
        LogLine connect = proxy.await(l -> l.event().equals("connect"));
        assertEquals("so_original_dst", connect.get("via"), connect.raw());
        assertRelayedTo(proxy.awaitClose(), real, "so_original_dst", peer);
        assertEquals(List.of(), decoy.sessionIds(), "the wrong addr_recv must not be dialled");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("redirectsAndFamilies")
    void nonV1ClientIsPassedThroughUntouched(Redirect redirect, Family family) throws Exception {
        InetSocketAddress echoAt = new InetSocketAddress(remoteIp(family), PEER_PORT);
        RawEchoServer echo = cleanup.keep(remote.call(() -> new RawEchoServer(echoAt)));
        NamespacedProxy proxy = startProxy();
        redirect.install(client, group.gid(), PROXY_PORT);

        List<String> out = runRedirectedClient("raw", echoAt.getAddress().getHostAddress(), "" + PEER_PORT);

        assertEquals(List.of("echoed " + ClientProgram.RAW_BYTES), out);
        LogLine close = proxy.awaitClose();
        assertEquals("passthrough", close.get("transport"), close.raw());
        assertEquals("so_original_dst", close.get("via"), close.raw());
        assertEquals(Endpoints.format(echoAt), close.get("dest"), close.raw());
        assertEquals("" + ClientProgram.RAW_BYTES, close.get("v1_bytes_in"), close.raw());
        assertEquals("" + ClientProgram.RAW_BYTES, close.get("v1_bytes_out"), close.raw());
        assertEquals("ok", close.get("outcome"), close.raw());
        assertEquals(1, echo.connections());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Family.class)
    void directConnectionUsesAddrRecv(Family family) throws Exception {
        InetSocketAddress target = new InetSocketAddress(remoteIp(family), PEER_PORT);
        V2EchoPeer peer = peerInRemote(target);
        NamespacedProxy proxy = startProxy();
        // With NAT rules loaded conntrack tracks the direct connection too and reports the proxy
        // itself as its "original destination": the loop guard must turn that into addr_recv.
        Redirect.IPTABLES.install(client, group.gid(), PROXY_PORT);

        byte[] version = V1TestClient.versionPayload(target, "/direct:1.0/");
        byte[] nonce = {8, 7, 6, 5, 4, 3, 2, 1};
        try (V1TestClient c = directClient(loopbackProxy(family))) {
            assertVersionAndPingWentThrough(versionAndPing(c, version, nonce), version, nonce);
        }
        assertRelayedTo(proxy.awaitClose(), target, "addr_recv", peer);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Family.class)
    void directConnectionNamingTheProxyItselfIsRefused(Family family) throws Exception {
        NamespacedProxy proxy = startProxy();
        Redirect.NFT.install(client, group.gid(), PROXY_PORT);
        InetSocketAddress self = loopbackProxy(family);

        try (V1TestClient c = directClient(self)) {
            c.send("version", V1TestClient.versionPayload(self, "/loop:1.0/"));
            assertTrue(c.closedByProxy(), "proxy must close a connection that would loop");
        }
        LogLine close = proxy.awaitClose();
        CloseLine.assertCause("destination_refused", close);
        close.assertField("dest", Endpoints.format(self)).assertField("via", "addr_recv").assertField("rule", "own-endpoint");
        close.assertFieldMentions("reason", "iptables/nftables"); // says how to fix it
        assertEquals("WARN", close.level());
        assertTrue(proxy.isAlive());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Redirect.class)
    void wildcardListenersServeRedirectsAndRefuseTheirOwnAddresses(Redirect redirect) throws Exception {
        NamespacedProxy proxy = startProxy("0.0.0.0:" + PROXY_PORT, "[::]:" + PROXY_PORT);
        redirect.install(client, group.gid(), PROXY_PORT);
        for (Family family : Family.values()) {
            InetSocketAddress real = new InetSocketAddress(remoteIp(family), PEER_PORT);
            V2EchoPeer peer = peerInRemote(real);
            List<String> out = runRedirectedClient("v1", real.getAddress().getHostAddress(), "" + PEER_PORT,
                    "0.0.0.0", "0");
            assertEquals("version echoed", out.get(0));
            assertRelayedTo(proxy.awaitClose(), real, "so_original_dst", peer);

            // The client namespace's own veth address is one of the wildcard listener's addresses.
            InetSocketAddress own = new InetSocketAddress(clientIp(family), PROXY_PORT);
            try (V1TestClient c = directClient(loopbackProxy(family))) {
                c.send("version", V1TestClient.versionPayload(own, "/loop:1.0/"));
                assertTrue(c.closedByProxy(), "proxy must close a connection that would loop");
            }
            LogLine refused = proxy.awaitClose();
            assertTrue(refused.get("reason").contains(Endpoints.format(own) + " via addr_recv refused (rule own-endpoint)"),
                    refused.raw());
        }
    }

    @Test
    void peerRefusingTheConnectionClosesTheClientCleanly() throws Exception {
        InetSocketAddress closed = new InetSocketAddress(link.thereV4(), CLOSED_PORT);
        InetSocketAddress open = new InetSocketAddress(link.thereV4(), PEER_PORT);
        V2EchoPeer peer = peerInRemote(open);
        NamespacedProxy proxy = startProxy();

        try (V1TestClient c = directClient(loopbackProxy(Family.V4))) {
            c.send("version", V1TestClient.versionPayload(closed, "/refused:1.0/"));
            assertTrue(c.closedByProxy(), "client must see the connection closed");
        }
        LogLine close = proxy.awaitClose();
        CloseLine.assertCause("connect_failed", close);
        close.assertField("dest", Endpoints.format(closed)).assertField("v2_bytes_in", 0);

        // The proxy goes on serving.
        byte[] version = V1TestClient.versionPayload(open, "/after:1.0/");
        byte[] nonce = {1, 1, 2, 3, 5, 8, 13, 21};
        try (V1TestClient c = directClient(loopbackProxy(Family.V4))) {
            assertVersionAndPingWentThrough(versionAndPing(c, version, nonce), version, nonce);
        }
        assertRelayedTo(proxy.awaitClose(), open, "addr_recv", peer);
    }

    @Test
    void directNonV1ClientIsClosedBecauseItsDestinationIsUnknown() throws Exception {
        NamespacedProxy proxy = startProxy();
        try (V1TestClient c = directClient(loopbackProxy(Family.V4))) {
            c.writeRaw("GET / HTTP/1.1\r\nHost: example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(c.closedByProxy());
        }
        LogLine close = proxy.awaitClose();
        CloseLine.assertCause("no_destination", close);
    }

    @Test
    void proxyRefusesToRunWithTheRedirectGroupAsItsPrimaryGroup() throws Exception {
        Child proxy = cleanup.keep(client.startAsGid(group.gid(), NamespacedProxy.command("--redirect-group", group.name())));
        int exit = proxy.waitFor(WAIT);
        String text = String.join("\n", outputOf(proxy));
        assertNotEquals(0, exit, text);
        assertTrue(text.contains("primary group " + group.name()), text);
        assertTrue(text.contains("would come back to itself"), text);
        assertTrue(text.contains("Start it with another primary group"), text);
        assertFalse(text.contains("listening"), text);
    }
}
