package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.OptionalLong;
import org.bip324proxy.control.JsonCodec;
import org.bip324proxy.control.SnapshotJson;
import org.bip324proxy.control.StatusReport;
import org.bip324proxy.engine.ConnectionSnapshot;
import org.bip324proxy.engine.ProxySnapshot;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.relay.TrafficStats;
import org.bip324proxy.relay.V1FallbackPolicy;
import org.bip324proxy.testsupport.Snapshots;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class StatusTableTest {
    @Test
    void bytesAreExactWhenSmallAndScaledWhenLarge() {
        assertEquals("0 B", StatusTable.bytes(0));
        assertEquals("9999 B", StatusTable.bytes(9999));
        assertEquals("-12 B", StatusTable.bytes(-12));
        assertEquals("10.0 kB", StatusTable.bytes(10_000));
        assertEquals("1.5 MB", StatusTable.bytes(1_500_000));
        assertEquals("-2.0 GB", StatusTable.bytes(-2_000_000_000L));
    }

    @Test
    void durationsReadLikeUptime() {
        assertEquals("59s", StatusTable.duration(59_999));
        assertEquals("1m05s", StatusTable.duration(65_000));
        assertEquals("2h03m", StatusTable.duration((2 * 3600 + 3 * 60 + 4) * 1000L));
        assertEquals("1d01h", StatusTable.duration(25 * 3600 * 1000L));
    }

    @Test
    void eachConnectionShowsItsDirection() {
        List<ConnectionSnapshot> connections = List.of(
                Snapshots.relaying(1, RelaySession.Direction.OUTBOUND, new InetSocketAddress("127.0.0.1", 40000),
                        new Destination(new InetSocketAddress("192.0.2.1", 8333), Destination.Source.SO_ORIGINAL_DST),
                        OptionalLong.of(5), TrafficStats.ZERO),
                Snapshots.relaying(2, RelaySession.Direction.INBOUND, new InetSocketAddress("198.51.100.7", 51000),
                        new Destination(new InetSocketAddress("127.0.0.1", 8334), Destination.Source.CONFIGURED),
                        OptionalLong.of(5), TrafficStats.ZERO));
        ProxySnapshot s = new ProxySnapshot(1000, List.of("127.0.0.1:1324"), connections, TrafficStats.ZERO, 2, java.util.Map.of(), 2, 0,
                V1FallbackPolicy.Counts.NONE);
        StatusReport status = SnapshotJson.read(JsonCodec.parse(JsonCodec.write(SnapshotJson.of(s))));
        List<String> lines = StatusTable.render(status).lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("ID ")).findFirst().orElseThrow());
        assertTrue(lines.get(header).startsWith("ID  DIRECTION  CLIENT"), lines.get(header));
        assertTrue(lines.get(header + 1).startsWith("1   outbound   127.0.0.1:40000"), lines.get(header + 1));
        assertTrue(lines.get(header + 2).startsWith("2   inbound    198.51.100.7:51000"), lines.get(header + 2));
    }
}
