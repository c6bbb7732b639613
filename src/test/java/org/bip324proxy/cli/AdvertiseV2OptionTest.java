package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bip324proxy.engine.EngineConfig;
import org.bip324proxy.engine.ProxyServer;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.relay.SessionSettings;
import org.bip324proxy.testsupport.HandRolledInitiator;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.Policies;
import org.bip324proxy.testsupport.V1EchoPeer;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2TestClient;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code --[no-]advertise-v2} from the command line to the wire: the inbound listener Main
 * configures sets NODE_P2P_V2 in the node's VERSION unless told not to, and says so at startup.
 */
@Tag("fast")
class AdvertiseV2OptionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @ParameterizedTest(name = "{0} -> advertised {1}")
    @CsvSource({"'', true", "--advertise-v2, true", "--no-advertise-v2, false"})
    void theOptionReachesTheNodesVersion(String flag, boolean advertised) throws Exception {
        try (V1EchoPeer node = new V1EchoPeer(Network.MAINNET, V1EchoPeer.OnForeignBytes.CLOSE)) {
            List<String> args = new ArrayList<>(List.of("--inbound", "127.0.0.1:0=" + Endpoints.format(node.address())));
            if (!flag.isEmpty()) {
                args.add(flag);
            }
            Main main = new Main();
            new CommandLine(main).parseArgs(args.toArray(String[]::new));
            ByteArrayOutputStream logged = new ByteArrayOutputStream();
            EventLog log = new EventLog(new PrintStream(logged, true, StandardCharsets.UTF_8), EventLog.Format.TEXT,
                    EventLog.Level.INFO);
            SessionSettings sessions = SessionSettings.builder().destinationPolicy(Policies.loopbackPeers()).build();
            ProxyServer server = new ProxyServer(
                    EngineConfig.builder().listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build(),
                    sessions, log);
            main.inbound.addTo(server, sessions, log);
            server.start();
            try (V2TestClient peer = new V2TestClient(server.inboundAddresses().get(0), Network.MAINNET.magic(), TIMEOUT)) {
                byte[] version = V1TestClient.versionPayload(node.address(), "/stock-v2:27.0/");
                peer.send(HandRolledInitiator.longFormContents("version", version));
                byte[] expected = version.clone();
                if (advertised) {
                    expected[5] |= 0x08; // NODE_P2P_V2 (bit 11) in the services field
                }
                assertArrayEquals(HandRolledInitiator.longFormContents("version", expected), peer.receive());
            } finally {
                server.close();
            }
            List<LogLine> inbound = LogLine.events(logged.toString(StandardCharsets.UTF_8).lines().toList(), "inbound");
            assertEquals(1, inbound.size(), logged.toString(StandardCharsets.UTF_8));
            inbound.get(0).assertField("advertise_v2", advertised);
        }
    }
}
