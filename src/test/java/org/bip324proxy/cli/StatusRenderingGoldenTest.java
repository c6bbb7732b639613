package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.bip324proxy.control.JsonCodec;
import org.bip324proxy.control.SnapshotJson;
import org.bip324proxy.control.StatusReport;
import org.bip324proxy.engine.ConnectionSnapshot;
import org.bip324proxy.engine.ProxySnapshot;
import org.bip324proxy.metrics.PrometheusText;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.Phase;
import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.relay.TrafficStats;
import org.bip324proxy.relay.Transport;
import org.bip324proxy.relay.V1FallbackPolicy;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The edges render a typed snapshot exactly as they did when snapshots were all text: the status
 * document (control socket, dashboard), the {@code status} table read back from that document, and
 * the Prometheus text. The expected files under {@code golden/} were written by the string-based
 * renderers for the same connections.
 */
@Tag("fast")
class StatusRenderingGoldenTest {
    private static final TrafficStats BUSY = new TrafficStats(1234, 56789, 60000, 1300, Map.of("inv", 3L), Map.of("block", 2L),
            4, 1, 0, 500, 450, 2000000, 1999000);
    private static final TrafficStats QUIET = new TrafficStats(77, 88, 99, 111, Map.of(), Map.of(), 0, 0, 2, 0, 0, 0, 0);

    /** A relaying outbound v2 connection through an upstream proxy, and an inbound one still in its first message. */
    private static ProxySnapshot snapshot() {
        List<ConnectionSnapshot> connections = List.of(
                new ConnectionSnapshot(40, RelaySession.Direction.OUTBOUND, new InetSocketAddress("127.0.0.1", 51514),
                        Optional.of(new Destination(new InetSocketAddress("203.0.113.7", 8333), Destination.Source.SO_ORIGINAL_DST)),
                        Optional.of(new InetSocketAddress("127.0.0.1", 9050)), Optional.of(Network.MAINNET),
                        Optional.of(Transport.V2), Phase.RELAY, Optional.of("9f2c" + "ab".repeat(30)),
                        131_000, OptionalLong.of(41), BUSY),
                new ConnectionSnapshot(41, RelaySession.Direction.INBOUND, new InetSocketAddress("2001:db8::9", 40112),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Phase.FIRST_MESSAGE,
                        Optional.empty(), 2500, OptionalLong.empty(), QUIET));
        return new ProxySnapshot(11_520_311, List.of("127.0.0.1:1324", "[::1]:1324"), connections, BUSY.plus(QUIET), 41,
                Map.of("ok", 30L, "timeout_relay", 9L), 40, 1_520_000_000L,
                new V1FallbackPolicy.Counts("auto", 3, Map.of("known_v2_handshake", 2L), 17));
    }

    @Test
    void theStatusDocumentIsUnchanged() throws IOException {
        assertEquals(golden("status.json").strip(), JsonCodec.write(SnapshotJson.of(snapshot())));
    }

    @Test
    void theStatusCommandReadsTheDocumentBackAndPrintsTheSameJsonAndTable() throws IOException {
        String wire = JsonCodec.write(SnapshotJson.of(snapshot()));
        StatusReport read = SnapshotJson.read(JsonCodec.parse(wire));
        assertEquals(StatusReport.of(snapshot(), Integer.MAX_VALUE), read);
        assertEquals(wire, JsonCodec.write(SnapshotJson.write(read)), "status --json");
        assertEquals(golden("status-table.txt"), StatusTable.render(read));
    }

    @Test
    void theMetricsAreUnchanged() throws IOException {
        assertEquals(golden("metrics-per-peer.txt"), PrometheusText.render(snapshot(), true));
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = StatusRenderingGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
