package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bip324proxy.os.ProcessIdentity;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.ProxyHarness;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 fault 5: one local user held every slot of --max-connections, and each refused
 * connection logged its own WARN line. Now a user (here: this test's uid, found from the
 * kernel's socket table) gets at most its per-source cap, and refusals are summarised.
 */
@Tag("fast")
class PerSourceLimitIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MAX = 20;
    private static final int PER_SOURCE = 5;
    private static final int REFUSED = 10;

    @Test
    void oneUserGetsItsCapNotEverySlotAndItsRefusalsAreSummarised() throws Exception {
        String source = "uid " + ProcessIdentity.effectiveUid();
        List<V1TestClient> held = new ArrayList<>();
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().maxConnections(MAX).maxConnectionsPerSource(PER_SOURCE)
                        .refusalLogInterval(Duration.ofSeconds(1)).start()) {
            try {
                for (int i = 0; i < PER_SOURCE; i++) {
                    held.add(new V1TestClient(proxy.address(), Network.MAINNET, WAIT)); // idle: holds its slot
                }
                proxy.awaitEvent("accept", PER_SOURCE, WAIT);
                for (int i = 0; i < REFUSED; i++) {
                    try (V1TestClient c = new V1TestClient(proxy.address(), Network.MAINNET, WAIT)) {
                        assertTrue(c.closedByProxy(), proxy.log());
                    }
                }
                LogLine summary = proxy.awaitEvent("reject_summary", l -> true, WAIT);
                summary.assertField("refused", REFUSED - 1)
                        .assertField("reasons", "max-connections-per-source (" + (REFUSED - 1) + ")")
                        .assertField("top_sources", source + " (" + (REFUSED - 1) + ")");
                List<LogLine> rejects = proxy.events("reject");
                assertEquals(1, rejects.size(), proxy.log());
                rejects.get(0).assertField("rule", "max-connections-per-source").assertField("source", source)
                        .assertField("reason", "max connections per source (" + PER_SOURCE + ") reached for " + source
                                + " (--max-connections-per-source)");
                assertEquals(PER_SOURCE, proxy.server().activeConnections(), "the global cap (" + MAX + ") was not the limit");

                // The held connections work, and closing one gives its slot back.
                held.get(0).send("version", V1TestClient.versionPayload(peer.address(), "/held:1.0/"));
                assertNotNull(held.get(0).receive(), proxy.log());
                held.remove(1).close();
                proxy.awaitClose(2);
                try (V1TestClient again = new V1TestClient(proxy.address(), Network.MAINNET, WAIT)) {
                    again.send("version", V1TestClient.versionPayload(peer.address(), "/again:1.0/"));
                    assertNotNull(again.receive(), proxy.log());
                }
            } finally {
                for (V1TestClient c : held) {
                    c.close();
                }
            }
        }
    }
}
