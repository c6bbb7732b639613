package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.bip324proxy.relay.SessionSettings;
import org.bip324proxy.testsupport.CloseLine;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.ProxyHarness;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Connections that reach the listener directly (not redirected) and the engine's limits: each
 * refusal must name what was wrong and what to do. The destination choice itself is tested without
 * sockets in {@code relay.SessionDestinationTest}.
 */
@Tag("fast")
class DestinationAndLimitsIntegrationTest {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void addrRecvPointingAtTheProxyItselfIsRefused() throws Exception {
        try (ProxyHarness proxy = ProxyHarness.builder().start(); V1TestClient client = client(proxy)) {
            client.send("version", V1TestClient.versionPayload(proxy.address(), "/integ:1.0/"));
            assertTrue(client.closedByProxy(), proxy.log());
            CloseLine.assertCause("destination_refused", proxy.awaitClose(1));
            proxy.awaitClose(1).assertField("rule", "own-endpoint");
            assertEquals(List.of(), proxy.events("connect"));
        }
    }

    @Test
    void connectionsOverTheLimitAreClosedOnArrival() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().maxConnections(1).start();
                V1TestClient first = client(proxy)) {
            first.send("version", V1TestClient.versionPayload(peer.address(), "/integ:1.0/"));
            assertNotNull(first.receive(), proxy.log()); // the first connection is established and stays
            try (V1TestClient second = client(proxy)) {
                assertTrue(second.closedByProxy(), proxy.log());
            }
            LogLine reject = proxy.awaitEvent("reject", 2, CLIENT_TIMEOUT);
            reject.assertField("rule", "max-connections").assertField("reason", "max connections (1) reached");
            first.send("ping", new byte[8]);
            assertEquals("pong", first.receive().command());
        }
    }

    @Test
    void idleRelayIsClosed() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().idleTimeout(Duration.ofMillis(500)).start();
                V1TestClient client = client(proxy)) {
            client.send("version", V1TestClient.versionPayload(peer.address(), "/integ:1.0/"));
            assertNotNull(client.receive(), proxy.log());
            assertTrue(client.closedByProxy(), proxy.log());
            CloseLine.assertCause("timeout_relay", proxy.awaitClose(1));
        }
    }

    private static V1TestClient client(ProxyHarness proxy) throws java.io.IOException {
        return new V1TestClient(proxy.address(), Network.MAINNET, CLIENT_TIMEOUT);
    }
}
