package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.SessionSettings;
import org.bip324proxy.relay.V1FallbackPolicy;
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
        SessionSettings settings = new SessionSettings(Network.knownNetworks(), SessionSettings.DestinationMode.AUTO,
                V1FallbackPolicy.requireV2(), Optional.empty(), AeadBackend.JDK, Policies.loopbackPeers(), new SecureRandom());
        EngineConfig config = new EngineConfig(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), false, 2, 100,
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofSeconds(2), 1 << 20);
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
