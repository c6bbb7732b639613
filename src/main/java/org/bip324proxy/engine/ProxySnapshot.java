package org.bip324proxy.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bip324proxy.relay.TrafficStats;
import org.bip324proxy.relay.V1FallbackPolicy;

/**
 * The whole proxy at a moment: live connections and totals since start. Each event loop
 * contributes its own part, taken on its own thread, so the totals of a loop (closed + live) are
 * consistent with each other and only ever grow.
 *
 * @param uptimeMillis time since the proxy started
 * @param listen the listening addresses
 * @param connections the live connections, by id
 * @param total traffic of all connections since start, closed and live
 * @param opened connections accepted since start
 * @param closedByCause connections finished since start, by {@link org.bip324proxy.relay.CloseCause#label()}
 *     ({@value org.bip324proxy.relay.CloseCause#CLEAN} for clean closes)
 * @param handshakes completed BIP324 handshakes since start
 * @param handshakeNanos total time of those handshakes
 * @param fallback v1 fallbacks and refused fallbacks (possible downgrades) since start
 */
public record ProxySnapshot(
        long uptimeMillis,
        List<String> listen,
        List<ConnectionSnapshot> connections,
        TrafficStats total,
        long opened,
        Map<String, Long> closedByCause,
        long handshakes,
        long handshakeNanos,
        V1FallbackPolicy.Counts fallback) {

    public ProxySnapshot {
        listen = List.copyOf(listen);
        closedByCause = Collections.unmodifiableMap(new TreeMap<>(closedByCause));
        connections = connections.stream().sorted(Comparator.comparingLong(ConnectionSnapshot::id)).toList();
    }

    /** Connections finished since start, whatever the cause. */
    public long closed() {
        return closedByCause.values().stream().mapToLong(Long::longValue).sum();
    }

    static ProxySnapshot combine(long uptimeMillis, List<String> listen, List<ProxySnapshot> parts,
            V1FallbackPolicy.Counts fallback) {
        List<ConnectionSnapshot> connections = new ArrayList<>();
        TrafficStats total = TrafficStats.ZERO;
        long opened = 0;
        Map<String, Long> closed = new TreeMap<>();
        long handshakes = 0;
        long handshakeNanos = 0;
        for (ProxySnapshot p : parts) {
            connections.addAll(p.connections);
            total = total.plus(p.total);
            opened += p.opened;
            p.closedByCause.forEach((cause, n) -> closed.merge(cause, n, Long::sum));
            handshakes += p.handshakes;
            handshakeNanos += p.handshakeNanos;
        }
        return new ProxySnapshot(uptimeMillis, listen, connections, total, opened, closed, handshakes, handshakeNanos,
                fallback);
    }
}
