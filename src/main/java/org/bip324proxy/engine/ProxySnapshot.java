package org.bip324proxy.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 * @param closed connections finished since start
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
        long closed,
        long handshakes,
        long handshakeNanos,
        V1FallbackPolicy.Counts fallback) {

    public ProxySnapshot {
        listen = List.copyOf(listen);
        connections = connections.stream().sorted(Comparator.comparingLong(ConnectionSnapshot::id)).toList();
    }

    static ProxySnapshot combine(long uptimeMillis, List<String> listen, List<ProxySnapshot> parts,
            V1FallbackPolicy.Counts fallback) {
        List<ConnectionSnapshot> connections = new ArrayList<>();
        TrafficStats total = TrafficStats.ZERO;
        long opened = 0;
        long closed = 0;
        long handshakes = 0;
        long handshakeNanos = 0;
        for (ProxySnapshot p : parts) {
            connections.addAll(p.connections);
            total = total.plus(p.total);
            opened += p.opened;
            closed += p.closed;
            handshakes += p.handshakes;
            handshakeNanos += p.handshakeNanos;
        }
        return new ProxySnapshot(uptimeMillis, listen, connections, total, opened, closed, handshakes, handshakeNanos,
                fallback);
    }
}
