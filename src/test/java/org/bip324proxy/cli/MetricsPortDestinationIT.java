package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.bip324proxy.testsupport.CloseLine;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.ProxyProcess;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 fault 3: an unprivileged local user made the proxy connect to its own metrics port by
 * naming it in VERSION addr_recv. The real jar, with loopback destinations allowed (as for a
 * regtest node), must still refuse it as its own endpoint.
 */
@Tag("system")
class MetricsPortDestinationIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void addrRecvNamingTheMetricsPortIsRefusedEvenWhenLoopbackIsAllowed() throws Exception {
        try (ProxyProcess proxy = new ProxyProcess(ProxyProcess.jar(), "--listen", "127.0.0.1:0", "--no-control-socket",
                "--metrics", "127.0.0.1:0", "--allow-destination", "127.0.0.0/8")) {
            int proxyPort = Integer.parseInt(proxy.awaitLog("listening addresses=127\\.0\\.0\\.1:(\\d+)", WAIT));
            int metricsPort = Integer.parseInt(proxy.awaitLog("metrics address=127\\.0\\.0\\.1:(\\d+)", WAIT));
            InetAddress lo = InetAddress.getLoopbackAddress();
            try (V1TestClient client = new V1TestClient(new InetSocketAddress(lo, proxyPort), Network.MAINNET, WAIT)) {
                client.send("version", V1TestClient.versionPayload(new InetSocketAddress(lo, metricsPort), "/local-user:1.0/"));
                assertTrue(client.closedByProxy(), proxy.logText());
            }
            LogLine close = LogLine.of(proxy.awaitLog("(.* close conn=1 .*)", WAIT));
            CloseLine.assertCause("destination_refused", close);
            close.assertField("rule", "own-endpoint").assertField("dest", "127.0.0.1:" + metricsPort);
            assertEquals(List.of(), LogLine.events(proxy.logText().lines().toList(), "connect"), proxy.logText());
        }
    }
}
