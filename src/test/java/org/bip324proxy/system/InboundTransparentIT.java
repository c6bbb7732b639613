package org.bip324proxy.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.bip324proxy.testsupport.Cleanup;
import org.bip324proxy.testsupport.HandRolledInitiator;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.NetNs;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.bip324proxy.testsupport.V1EchoPeer;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2TestClient;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v2.MessageTypes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Inbound mode, listening in front of the node, with the real jar: namespace "host" runs the proxy
 * on the public port 8333 and a v1-only node on loopback port 8334; namespace "internet" holds the
 * strangers, which dial the host's veth address. With --inbound-transparent (and the policy route
 * that brings the node's replies back) the node must see each stranger's real address; without it,
 * the proxy's, and the proxy says so at startup.
 */
@Tag("system")
class InboundTransparentIT {
    private static final int PUBLIC_PORT = 8333;
    private static final int NODE_PORT = 8334;
    private static final Duration WAIT = Duration.ofSeconds(90);

    enum Family { V4, V6 }

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();
    private NetNs host;
    private NetNs internet;
    private NetNs.Veth link;

    @BeforeEach
    void namespaces() throws Exception {
        SystemTestSupport.requireRootNetworking();
        host = cleanup.keep(NetNs.create());
        internet = cleanup.keep(NetNs.create());
        link = host.linkTo(internet);
    }

    private static InetAddress loopback(Family f) throws Exception {
        return InetAddress.getByName(f == Family.V4 ? "127.0.0.1" : "::1");
    }

    private InetSocketAddress hostPublic(Family f) {
        return new InetSocketAddress(f == Family.V4 ? link.hereV4() : link.hereV6(), PUBLIC_PORT);
    }

    private InetAddress strangerIp(Family f) {
        return f == Family.V4 ? link.thereV4() : link.thereV6();
    }

    /** The node's replies to strangers' addresses are delivered locally, to the proxy's transparent sockets. */
    private void policyRoute() throws Exception {
        host.exec("ip", "-4", "rule", "add", "from", "127.0.0.1", "ipproto", "tcp", "sport", "" + NODE_PORT, "lookup", "324");
        host.exec("ip", "-4", "route", "add", "local", "0.0.0.0/0", "dev", "lo", "table", "324");
        host.exec("ip", "-6", "rule", "add", "from", "::1", "ipproto", "tcp", "sport", "" + NODE_PORT, "lookup", "324");
        host.exec("ip", "-6", "route", "add", "local", "::/0", "dev", "lo", "table", "324");
    }

    private List<V1EchoPeer> nodes() throws Exception {
        return List.of(
                cleanup.keep(host.call(() -> new V1EchoPeer(Network.MAINNET, V1EchoPeer.OnForeignBytes.CLOSE,
                        new InetSocketAddress(loopback(Family.V4), NODE_PORT)))),
                cleanup.keep(host.call(() -> new V1EchoPeer(Network.MAINNET, V1EchoPeer.OnForeignBytes.CLOSE,
                        new InetSocketAddress(loopback(Family.V6), NODE_PORT)))));
    }

    private NamespacedProxy proxy(boolean transparent) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--threads", "1",
                "--listen", "127.0.0.1:1324",
                "--inbound", "0.0.0.0:" + PUBLIC_PORT + "=127.0.0.1:" + NODE_PORT,
                "--inbound", "[::]:" + PUBLIC_PORT + "=[::1]:" + NODE_PORT));
        if (transparent) {
            args.add("--inbound-transparent");
        }
        return NamespacedProxy.start(host, args.toArray(String[]::new));
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void withTransparentModeTheNodeSeesTheV2StrangersRealAddress(Family family) throws Exception {
        policyRoute();
        List<V1EchoPeer> nodes = nodes();
        NamespacedProxy proxy = proxy(true);
        byte[] nonce = {1, 2, 3, 4, 5, 6, 7, 8};
        String sessionId;
        try (V2TestClient stranger = internet.call(() -> new V2TestClient(hostPublic(family), Network.MAINNET.magic(), WAIT))) {
            sessionId = stranger.sessionId();
            stranger.send(HandRolledInitiator.contents(MessageTypes.shortId("ping"), nonce));
            assertArrayEquals(HandRolledInitiator.contents(MessageTypes.shortId("pong"), nonce), stranger.receive(),
                    proxy.output());
        }
        LogLine close = proxy.awaitClose();
        assertEquals("inbound", close.get("direction"), close.raw());
        assertEquals(sessionId, close.get("session_id"), close.raw());
        List<InetSocketAddress> seen = nodes.get(family.ordinal()).peerAddresses();
        assertEquals(1, seen.size(), proxy.output());
        assertEquals(strangerIp(family), seen.get(0).getAddress(), "the node must see the stranger's own address");
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void withTransparentModeTheNodeSeesTheV1StrangersRealAddress(Family family) throws Exception {
        policyRoute();
        List<V1EchoPeer> nodes = nodes();
        NamespacedProxy proxy = proxy(true);
        try (V1TestClient stranger = internet.call(() -> new V1TestClient(hostPublic(family), Network.MAINNET, WAIT))) {
            byte[] version = V1TestClient.versionPayload(hostPublic(family), "/v1-stranger:0.20/");
            stranger.send("version", version);
            V1Message echo = stranger.receive();
            assertArrayEquals(version, echo.copyPayload(), proxy.output());
        }
        LogLine close = proxy.awaitClose();
        assertEquals("passthrough", close.get("transport"), close.raw());
        assertEquals(List.of(strangerIp(family)),
                nodes.get(family.ordinal()).peerAddresses().stream().map(InetSocketAddress::getAddress).toList());
    }

    @Test
    void withoutTransparentModeTheNodeSeesTheProxyAndTheProxyWarns() throws Exception {
        List<V1EchoPeer> nodes = nodes();
        NamespacedProxy proxy = proxy(false);
        LogLine warning = proxy.output().lines().map(LogLine::parse)
                .filter(l -> l != null && l.event().equals("inbound_not_transparent")).findFirst()
                .orElseThrow(() -> new AssertionError("no startup warning:\n" + proxy.output()));
        assertEquals("WARN", warning.level());
        warning.assertFieldMentions("consequence", "netgroup").assertFieldMentions("consequence", "-whitelist");
        try (V2TestClient stranger = internet.call(() -> new V2TestClient(hostPublic(Family.V4), Network.MAINNET.magic(), WAIT))) {
            byte[] nonce = {8, 8, 8, 8, 8, 8, 8, 8};
            stranger.send(HandRolledInitiator.contents(MessageTypes.shortId("ping"), nonce));
            assertArrayEquals(HandRolledInitiator.contents(MessageTypes.shortId("pong"), nonce), stranger.receive());
        }
        proxy.awaitClose();
        assertEquals(List.of(loopback(Family.V4)),
                nodes.get(0).peerAddresses().stream().map(InetSocketAddress::getAddress).toList());
    }
}
