package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import org.bip324proxy.testsupport.CloseLine;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.ProxyHarness;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 fault 3: a client that names its destination in VERSION addr_recv must not make the
 * proxy connect to local services. A real listening socket stands for the service; it must see
 * no connection at all (the refusal comes before any connect).
 */
@Tag("fast")
class DestinationPolicyIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void addrRecvPointingAtALoopbackServiceIsRefusedWithoutConnecting() throws Exception {
        try (ServerSocketChannel service = localService();
                ProxyHarness proxy = ProxyHarness.builder().allowDestinations().start();
                V1TestClient client = new V1TestClient(proxy.address(), Network.MAINNET, WAIT)) {
            client.send("version", V1TestClient.versionPayload(bound(service), "/attacker:1.0/"));
            assertTrue(client.closedByProxy(), proxy.log());
            LogLine close = proxy.awaitClose(1);
            close.assertField("rule", "loopback");
            CloseLine.assertCause("destination_refused", close);
            assertNoConnectionReached(service, proxy);
        }
    }

    @Test
    void aLoopbackServiceOnTheNetworksP2pPortIsRefusedToo() throws Exception {
        try (ServerSocketChannel service = localService();
                ProxyHarness proxy = ProxyHarness.builder().allowDestinations().start();
                V1TestClient client = new V1TestClient(proxy.address(), Network.MAINNET, WAIT)) {
            // Same service, but the client claims it is a mainnet peer on 8333 at the mapped form of 127.0.0.1.
            InetSocketAddress mapped = new InetSocketAddress(java.net.Inet6Address.getByAddress(null,
                    new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1}, -1), 8333);
            client.send("version", V1TestClient.versionPayload(mapped, "/attacker:1.0/"));
            assertTrue(client.closedByProxy(), proxy.log());
            proxy.awaitClose(1).assertField("rule", "loopback");
            assertNoConnectionReached(service, proxy);
        }
    }

    @Test
    void aNonLoopbackListenerRefusesAddrRecv() throws Exception {
        try (ServerSocketChannel service = localService();
                ProxyHarness proxy = ProxyHarness.builder().allowDestinations().listenAddress(InetAddress.getByName("0.0.0.0")).start();
                V1TestClient client = new V1TestClient(loopback(proxy.address().getPort()), Network.MAINNET, WAIT)) {
            client.send("version", V1TestClient.versionPayload(bound(service), "/lan-host:1.0/"));
            assertTrue(client.closedByProxy(), proxy.log());
            LogLine close = proxy.awaitClose(1);
            close.assertField("rule", "router-listener");
            CloseLine.assertCause("destination_refused", close);
            assertNoConnectionReached(service, proxy);
        }
    }

    @Test
    void allowDestinationReEnablesALoopbackPeer() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().allowDestinations("127.0.0.1:" + peer.address().getPort()).start();
                V1TestClient client = new V1TestClient(proxy.address(), Network.MAINNET, WAIT)) {
            client.send("version", V1TestClient.versionPayload(peer.address(), "/regtest-user:1.0/"));
            assertNotNull(client.receive(), proxy.log());
            client.send("ping", new byte[8]);
            assertEquals("pong", client.receive().command());
            assertEquals(1, peer.connections());
        }
    }

    @Test
    void allowDestinationAlsoLiftsTheNonLoopbackListenerRuleForItsRange() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().allowDestinations("127.0.0.0/8")
                        .listenAddress(InetAddress.getByName("0.0.0.0")).start();
                V1TestClient client = new V1TestClient(loopback(proxy.address().getPort()), Network.MAINNET, WAIT)) {
            client.send("version", V1TestClient.versionPayload(peer.address(), "/lan-host:1.0/"));
            assertNotNull(client.receive(), proxy.log());
            assertEquals(1, peer.connections());
        }
    }

    @Test
    void anAllowedRangeStillNeverIncludesTheProxyItself() throws Exception {
        try (ProxyHarness proxy = ProxyHarness.builder().allowDestinations("127.0.0.0/8").start();
                V1TestClient client = new V1TestClient(proxy.address(), Network.MAINNET, WAIT)) {
            client.send("version", V1TestClient.versionPayload(proxy.address(), "/loop:1.0/"));
            assertTrue(client.closedByProxy(), proxy.log());
            proxy.awaitClose(1).assertField("rule", "own-endpoint");
        }
    }

    private static ServerSocketChannel localService() throws java.io.IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        s.configureBlocking(false);
        return s;
    }

    private static InetSocketAddress bound(ServerSocketChannel s) throws java.io.IOException {
        return (InetSocketAddress) s.getLocalAddress();
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** The close line came first; had a connect been attempted it would be logged and queued at the service. */
    private static void assertNoConnectionReached(ServerSocketChannel service, ProxyHarness proxy) throws Exception {
        assertEquals(List.of(), proxy.events("connect"));
        assertNull(service.accept(), "the service saw a connection; log:\n" + proxy.log());
    }
}
