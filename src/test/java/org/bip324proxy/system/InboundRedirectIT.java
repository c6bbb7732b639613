package org.bip324proxy.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.bip324proxy.testsupport.Cleanup;
import org.bip324proxy.testsupport.HandRolledInitiator;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.NetNs;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.bip324proxy.testsupport.TempGroup;
import org.bip324proxy.testsupport.V1EchoPeer;
import org.bip324proxy.testsupport.V2TestClient;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v2.MessageTypes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inbound mode, redirect deployment, with the real jar and the shipped rule scripts: the node keeps
 * listening on 8333 in namespace "host"; 'bip324-redirect install --inbound' sends new connections
 * from other hosts to the proxy's inbound listener and adds the policy route for its transparent
 * connections. A v2 stranger in namespace "internet" dials the node's port and gets a BIP324
 * session, and the node sees the stranger's own address.
 */
@Tag("system")
class InboundRedirectIT {
    private static final int NODE_PORT = 8333;
    private static final int INBOUND_PORT = 1325;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();
    private NetNs host;
    private NetNs internet;
    private NetNs.Veth link;
    private TempGroup group;

    @BeforeEach
    void namespaces() throws Exception {
        SystemTestSupport.requireRootNetworking("iptables", "ip6tables", "iptables-restore", "nft", "bash",
                "groupadd", "groupdel");
        host = cleanup.keep(NetNs.create());
        internet = cleanup.keep(NetNs.create());
        link = host.linkTo(internet);
        group = cleanup.keep(TempGroup.create());
    }

    static Stream<Arguments> scriptsAndFamilies() {
        return Stream.of("iptables", "nftables").flatMap(s -> Stream.of("IPv4", "IPv6").map(f -> Arguments.of(s, f)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("scriptsAndFamilies")
    void v2StrangerDiallingTheNodesPortGetsBip324AndTheNodeSeesItsAddress(String script, String family) throws Exception {
        boolean v4 = family.equals("IPv4");
        V1EchoPeer node = cleanup.keep(host.call(() -> new V1EchoPeer(Network.MAINNET, V1EchoPeer.OnForeignBytes.CLOSE,
                new InetSocketAddress(InetAddress.getByName("::"), NODE_PORT))));
        host.exec(java.nio.file.Path.of(script, "bip324-redirect").toAbsolutePath().toString(), "install", "--group", group.name(), "--inbound", "--node-port", "" + NODE_PORT,
                "--inbound-port", "" + INBOUND_PORT);
        NamespacedProxy proxy = NamespacedProxy.start(host, "--threads", "1",
                "--redirect-group", group.name(), "--listen", "127.0.0.1:1324",
                "--inbound", "0.0.0.0:" + INBOUND_PORT + "=127.0.0.1:" + NODE_PORT,
                "--inbound", "[::]:" + INBOUND_PORT + "=[::1]:" + NODE_PORT, "--inbound-transparent");
        InetSocketAddress nodePublic = new InetSocketAddress(v4 ? link.hereV4() : link.hereV6(), NODE_PORT);
        byte[] nonce = {4, 3, 2, 1, 4, 3, 2, 1};
        String sessionId;
        try (V2TestClient stranger = internet.call(() -> new V2TestClient(nodePublic, Network.MAINNET.magic(), WAIT))) {
            sessionId = stranger.sessionId();
            stranger.send(HandRolledInitiator.contents(MessageTypes.shortId("ping"), nonce));
            assertArrayEquals(HandRolledInitiator.contents(MessageTypes.shortId("pong"), nonce), stranger.receive(),
                    proxy.output());
        }
        LogLine close = proxy.awaitClose();
        assertEquals("inbound", close.get("direction"), close.raw());
        assertEquals(sessionId, close.get("session_id"), close.raw());
        assertEquals(List.of(v4 ? link.thereV4() : link.thereV6()),
                node.peerAddresses().stream().map(InetSocketAddress::getAddress).toList(), proxy.output());
    }
}
