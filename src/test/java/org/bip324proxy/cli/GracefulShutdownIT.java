package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.ProxyProcess;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** SIGTERM to the real proxy jar: no new connections, live ones drain, final totals logged. */
@Tag("system")
class GracefulShutdownIT {
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final int BIG = 300_000;

    @Test
    void liveConnectionsFinishTheirTransferAfterSigterm() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyProcess proxy = start("30s")) {
            InetSocketAddress address = listening(proxy);
            try (V1TestClient client = new V1TestClient(address, Network.MAINNET, Duration.ofSeconds(30))) {
                client.send("version", V1TestClient.versionPayload(peer.address(), "/drain-test:1.0/"));
                assertEquals("version", client.receive().command());

                proxy.terminate();
                proxy.awaitLog("INFO stopping open_connections=1", Duration.ofSeconds(30));
                assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close(),
                        "no new connections once stopping");

                byte[] payload = new byte[BIG];
                new Random(7).nextBytes(payload);
                client.send("tx", payload);
                V1Message echoed = client.receive();
                assertEquals("tx", echoed.command());
                assertArrayEquals(payload, echoed.copyPayload());
                assertTrue(proxy.process().isAlive(), "the proxy waits for the open connection");
            }
            assertEquals(143, proxy.awaitExit(Duration.ofSeconds(20)), "exit status of a JVM stopped by SIGTERM");
            LogLine stopped = LogLine.of(proxy.awaitLog("(.* INFO stopped .*)", Duration.ofSeconds(1)));
            stopped.assertField("connections", 1).assertField("v2_handshakes", 1)
                    .assertField("messages_to_peer", 2).assertField("messages_to_client", 2);
        }
    }

    @Test
    void connectionsStillOpenAfterTheGraceTimeAreClosed() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyProcess proxy = start("1s")) {
            InetSocketAddress address = listening(proxy);
            try (V1TestClient client = new V1TestClient(address, Network.MAINNET, Duration.ofSeconds(30))) {
                client.send("version", V1TestClient.versionPayload(peer.address(), "/drain-test:1.0/"));
                assertEquals("version", client.receive().command());
                proxy.terminate();
                assertEquals(143, proxy.awaitExit(Duration.ofSeconds(30)));
                assertNull(client.receive(), "the client sees the connection closed");
            }
            proxy.awaitLog("WARN shutdown_grace_expired open_connections=1", Duration.ofSeconds(1));
            proxy.awaitLog("close .*reason=\"?proxy is shutting down", Duration.ofSeconds(1));
        }
    }

    private static ProxyProcess start(String grace) throws IOException {
        return new ProxyProcess(ProxyProcess.jar(), "--listen", "127.0.0.1:0", "--allow-destination", "127.0.0.1",
                "--no-control-socket", "--shutdown-grace", grace);
    }

    private static InetSocketAddress listening(ProxyProcess proxy) throws Exception {
        String port = proxy.awaitLog("listening addresses=127\\.0\\.0\\.1:(\\d+)", STARTUP);
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(port));
    }
}
