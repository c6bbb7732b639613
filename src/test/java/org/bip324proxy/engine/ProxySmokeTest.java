package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import org.bip324proxy.testsupport.InProcessProxy;
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
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                InProcessProxy proxy = new InProcessProxy();
                V1TestClient client = new V1TestClient(proxy.address(), Network.MAINNET, Duration.ofSeconds(5))) {
            byte[] version = V1TestClient.versionPayload(peer.address(), "/smoke:1.0/");
            client.send("version", version);
            V1Message echoed = client.receive();
            assertNotNull(echoed, "log:\n" + proxy.logText());
            assertEquals("version", echoed.command());
            assertArrayEquals(version, echoed.copyPayload());
            client.send("ping", new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            V1Message pong = client.receive();
            assertEquals("pong", pong.command());
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, pong.copyPayload());
        }
    }
}
