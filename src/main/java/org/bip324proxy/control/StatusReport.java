package org.bip324proxy.control;

import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.bip324proxy.engine.ConnectionSnapshot;
import org.bip324proxy.engine.ProxySnapshot;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.relay.Phase;
import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.relay.TrafficCounter;
import org.bip324proxy.relay.TrafficStats;
import org.bip324proxy.relay.Transport;
import org.bip324proxy.v1.Network;

/**
 * The control protocol's {@code status} document as typed values: what the proxy serves (control
 * socket, {@code /api/status}) and what {@code bip324-proxy status} reads back to print its table
 * or {@code --json}. {@link SnapshotJson} writes and reads it (docs/control-protocol.md). Addresses
 * are kept as the text the proxy wrote (a SOCKS5 client's domain name is not looked up again).
 *
 * @param connectionsOpen all live connections, also when {@code connections} holds only the busiest
 * @param connections the live connections shown, by id
 */
public record StatusReport(
        long uptimeMillis,
        List<String> listen,
        long connectionsOpen,
        long connectionsOpened,
        long connectionsClosed,
        long handshakes,
        long handshakeMillisTotal,
        Traffic totals,
        Fallback fallback,
        List<Row> connections) {

    public StatusReport {
        listen = List.copyOf(listen);
        connections = List.copyOf(connections);
    }

    /**
     * The proxy now, with only the {@code maxConnections} live connections that moved the most bytes
     * (by id among those); {@code connectionsOpen} and the totals still count all of them.
     */
    public static StatusReport of(ProxySnapshot s, int maxConnections) {
        List<ConnectionSnapshot> shown = s.connections().size() <= maxConnections ? s.connections()
                : s.connections().stream().sorted(Comparator.comparingLong((ConnectionSnapshot c) -> bytes(c.traffic())).reversed())
                        .limit(maxConnections).sorted(Comparator.comparingLong(ConnectionSnapshot::id)).toList();
        return new StatusReport(s.uptimeMillis(), s.listen(), s.connections().size(), s.opened(), s.closed(), s.handshakes(),
                s.handshakeNanos() / 1_000_000, Traffic.of(s.total()),
                new Fallback(s.fallback().mode(), s.fallback().fallbacks(), s.fallback().refusals(), s.fallback().knownV2()),
                shown.stream().map(Row::of).toList());
    }

    private static long bytes(TrafficStats t) {
        return TrafficCounter.BYTES.stream().mapToLong(c -> c.of(t)).sum();
    }

    /** The v1 fallback policy's mode and what it did since start. */
    public record Fallback(String mode, long fallbacks, Map<String, Long> downgradeRefused, long knownV2Destinations) {
        public Fallback {
            downgradeRefused = Collections.unmodifiableMap(new TreeMap<>(downgradeRefused));
        }
    }

    /**
     * Traffic counters of one connection or of all: each {@link TrafficCounter}, the message
     * counters also by command, and the framing sizes.
     */
    public record Traffic(Map<TrafficCounter, Long> counters, Map<TrafficCounter, Map<String, Long>> byCommand, Framing framing) {
        public Traffic {
            counters = Collections.unmodifiableMap(new EnumMap<>(counters));
            Map<TrafficCounter, Map<String, Long>> copy = new EnumMap<>(TrafficCounter.class);
            byCommand.forEach((c, m) -> copy.put(c, Collections.unmodifiableMap(new LinkedHashMap<>(m))));
            byCommand = Collections.unmodifiableMap(copy);
        }

        static Traffic of(TrafficStats t) {
            Map<TrafficCounter, Long> counters = new EnumMap<>(TrafficCounter.class);
            Map<TrafficCounter, Map<String, Long>> byCommand = new EnumMap<>(TrafficCounter.class);
            for (TrafficCounter c : TrafficCounter.values()) {
                counters.put(c, c.of(t));
                if (c.byCommand()) {
                    byCommand.put(c, c.commands(t));
                }
            }
            return new Traffic(counters, byCommand,
                    new Framing(t.v1Framed(), t.v2Framed(), t.framingSaving(), Math.round(t.framingSavingPercent() * 100) / 100.0));
        }

        /** The counter's value (0 if the document lacks it). */
        public long get(TrafficCounter c) {
            return counters.getOrDefault(c, 0L);
        }
    }

    /** Bytes the relayed messages took in each framing, and the saving (percent rounded to 2 decimals). */
    public record Framing(long v1Bytes, long v2Bytes, long savingBytes, double savingPercent) {}

    /**
     * One live connection. Empty: not (yet) known.
     *
     * @param client the client's address as the proxy wrote it
     * @param destination the destination's address as the proxy wrote it
     * @param network the v1 network's name
     */
    public record Row(
            long id,
            RelaySession.Direction direction,
            String client,
            Optional<String> destination,
            Optional<Destination.Source> via,
            Optional<String> upstream,
            Optional<String> network,
            Optional<Transport> transport,
            Phase phase,
            Optional<String> sessionId,
            long ageMillis,
            OptionalLong handshakeMillis,
            Traffic traffic) {

        static Row of(ConnectionSnapshot c) {
            return new Row(c.id(), c.direction(), Endpoints.format(c.client()),
                    c.destination().map(d -> Endpoints.format(d.address())), c.destination().map(Destination::source),
                    c.upstream().map(Endpoints::format), c.network().map(Network::name), c.transport(), c.phase(),
                    c.sessionId(), c.ageMillis(), c.handshakeMillis(), Traffic.of(c.traffic()));
        }
    }
}
