package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bip324proxy.testsupport.EchoExchange;
import org.bip324proxy.testsupport.ProxyHarness;
import org.bip324proxy.testsupport.V1EchoPeer;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Message;
import org.junit.jupiter.api.Test;

/** --v1-fallback against v1-only peers: the two ways they react to a BIP324 key. */
class V1FallbackIntegrationTest {
    @Test
    void peerClosingOnTheKeyIsReconnectedAsPlainV1() throws Exception {
        assertFallsBack(V1EchoPeer.OnForeignBytes.CLOSE, "during the BIP324 handshake"); // closed or reset
    }

    @Test
    void silentPeerIsReconnectedAsPlainV1AfterTheHandshakeTimeout() throws Exception {
        assertFallsBack(V1EchoPeer.OnForeignBytes.STAY_SILENT, "peer did not answer the BIP324 handshake in time");
    }

    @Test
    void withoutFallbackAV1OnlyPeerFailsWithAHint() throws Exception {
        try (V1EchoPeer peer = new V1EchoPeer(Network.REGTEST, V1EchoPeer.OnForeignBytes.CLOSE);
                ProxyHarness proxy = ProxyHarness.builder().start();
                V1TestClient client = new V1TestClient(proxy.address(), Network.REGTEST, Duration.ofSeconds(60))) {
            client.send("version", V1TestClient.versionPayload(peer.address(), "/integ:1.0/"));
            assertTrue(client.closedByProxy(), proxy.log());
            String close = proxy.awaitClose(1);
            assertTrue(close.contains("see --v1-fallback"), close);
            assertEquals(0, peer.v1Connections());
        }
    }

    private static void assertFallsBack(V1EchoPeer.OnForeignBytes behaviour, String reason) throws Exception {
        try (V1EchoPeer peer = new V1EchoPeer(Network.REGTEST, behaviour);
                ProxyHarness proxy = ProxyHarness.builder().v1Fallback(true).handshakeTimeout(Duration.ofSeconds(1)).start()) {
            try (V1TestClient client = new V1TestClient(proxy.address(), Network.REGTEST, Duration.ofSeconds(60))) {
                byte[] version = V1TestClient.versionPayload(peer.address(), "/integ:1.0/");
                client.send("version", version);
                V1Message echoed = client.receive();
                assertNotNull(echoed, proxy.log());
                assertArrayEquals(version, echoed.copyPayload());
                List<V1Message> messages = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    messages.add(V1Message.of(i % 10 == 0 ? "ping" : "inv", new byte[] {(byte) i, 2, 3, 4, 5, 6, 7, 8}));
                }
                EchoExchange.run(client, messages, proxy::log);
            }
            String warning = proxy.awaitLine(l -> l.contains(" WARN v1_fallback conn=1 "), Duration.ofSeconds(30));
            assertTrue(warning.contains(reason) && warning.contains("NOT encrypted"), warning);
            String close = proxy.awaitClose(1);
            assertTrue(close.contains(" transport=v1_fallback "), close);
            assertEquals(1, peer.foreignConnections(), "the BIP324 attempt");
            assertEquals(1, peer.v1Connections(), "the v1 reconnection");
        }
    }
}
