package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.SessionSettings;
import org.bip324proxy.testsupport.Policies;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class ProxySmokeTest {
    @Test
    void versionAndPingTravelThroughAV2Session() throws Exception {
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        EventLog log = new EventLog(new PrintStream(logBytes, true), EventLog.Format.TEXT, EventLog.Level.DEBUG);
        SessionSettings settings = SessionSettings.builder()
                .aeadBackend(AeadBackend.JDK)
                .destinationPolicy(Policies.loopbackPeers())
                .build();
        EngineConfig config = EngineConfig.builder()
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .threads(2)
                .maxConnections(100)
                .firstMessageTimeout(Duration.ofSeconds(5))
                .connectTimeout(Duration.ofSeconds(5))
                .handshakeTimeout(Duration.ofSeconds(5))
                .idleTimeout(Duration.ofMinutes(1))
                .closeFlushTimeout(Duration.ofSeconds(2))
                .queueHighWatermark(1 << 20)
                .build();
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyServer proxy = new ProxyServer(config, settings, log)) {
            proxy.start();
            try (V1TestClient client = new V1TestClient(proxy.boundAddresses().get(0), Network.MAINNET, Duration.ofSeconds(5))) {
                byte[] version = V1TestClient.versionPayload(peer.address(), "/smoke:1.0/");
                client.send("version", version);
                V1Message echoed = client.receive();
                assertNotNull(echoed, "log:\n" + logBytes);
                assertEquals("version", echoed.command());
                assertArrayEquals(version, echoed.copyPayload());
                client.send("ping", new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
                V1Message pong = client.receive();
                assertEquals("pong", pong.command());
                assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, pong.copyPayload());
            }
        } finally {
            System.out.println(logBytes);
        }
    }
}
