package org.bip324proxy.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bip324proxy.relay.TrafficStats;
import org.bip324proxy.relay.V1FallbackPolicy;

/**
 * The connections of one event loop and the totals of those already closed. Only that loop's
 * thread touches it, so a snapshot taken there never races with a connection closing.
 */
final class LoopConnections {
    private final Set<Connection> live = new HashSet<>();
    /** SOCKS5 clients still negotiating, before they become connections. */
    private final Set<Socks5Front> fronts = new HashSet<>();
    private TrafficStats closedTraffic = TrafficStats.ZERO;
    private long opened;
    private final Map<String, Long> closedByCause = new TreeMap<>();
    private long closedHandshakes;
    private long closedHandshakeNanos;

    void add(Connection c) {
        live.add(c);
        opened++;
    }

    void remove(Connection c) {
        if (live.remove(c)) {
            closedByCause.merge(c.closeLabel(), 1L, Long::sum);
            closedTraffic = closedTraffic.plus(c.session().stats().snapshot());
            if (c.handshakeNanos() >= 0) {
                closedHandshakes++;
                closedHandshakeNanos += c.handshakeNanos();
            }
        }
    }

    List<Connection> live() {
        return List.copyOf(live);
    }

    void addFront(Socks5Front f) {
        fronts.add(f);
    }

    void removeFront(Socks5Front f) {
        fronts.remove(f);
    }

    List<Socks5Front> fronts() {
        return List.copyOf(fronts);
    }

    /** This loop's part of a {@link ProxySnapshot}, at {@code now} (System.nanoTime). */
    ProxySnapshot snapshot(long now) {
        List<ConnectionSnapshot> connections = new ArrayList<>();
        TrafficStats total = closedTraffic;
        long handshakes = closedHandshakes;
        long handshakeNanos = closedHandshakeNanos;
        for (Connection c : live) {
            ConnectionSnapshot s = c.snapshot(now);
            connections.add(s);
            total = total.plus(s.traffic());
            if (c.handshakeNanos() >= 0) {
                handshakes++;
                handshakeNanos += c.handshakeNanos();
            }
        }
        return new ProxySnapshot(0, List.of(), connections, total, opened, closedByCause, handshakes, handshakeNanos,
                V1FallbackPolicy.Counts.NONE);
    }
}
