package org.bip324proxy.engine;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.OptionalLong;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.CloseCause;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.relay.Transport;

/**
 * What one {@link Connection} tells the outside: its {@code accept} line, why it closed and its
 * {@code close} line (with {@code downgrade_refused} before it), and its snapshot for status.
 */
final class ConnectionReport {
    private final long id;
    private final EventLog log;
    private final RelaySession session;
    private final InetSocketAddress clientAddress;
    private final PeerDialer dialer;
    private final PhaseTimers timers;
    private final long openedAt;
    /** Set once closed: why, or empty for a clean close. */
    private Optional<CloseCause> closedWith = Optional.empty();

    ConnectionReport(long id, EventLog log, RelaySession session, InetSocketAddress clientAddress, PeerDialer dialer,
            PhaseTimers timers, long openedAt) {
        this.id = id;
        this.log = log;
        this.session = session;
        this.clientAddress = clientAddress;
        this.dialer = dialer;
        this.timers = timers;
        this.openedAt = openedAt;
    }

    /**
     * @param redirect the destination the OS reported, for redirected clients
     * @param socks5Target a SOCKS5 client's CONNECT target
     */
    void accepted(Optional<Destination> redirect, Optional<Destination> socks5Target) {
        log.info("accept").with("conn", id).with("direction", session.direction().logName())
                .with("client", Endpoints.format(clientAddress))
                .with("original_dst", redirect.map(Destination::toString).orElse(null))
                .with("socks5_dst", socks5Target.map(Destination::toString).orElse(null)).log();
    }

    /** The connection has closed, for {@code closedWith} (empty: cleanly). */
    void closed(Optional<CloseCause> closedWith) {
        this.closedWith = closedWith;
    }

    /** Logs the close line (after {@link #closed}), and before it a refused downgrade. */
    void logClose() {
        var s = session.stats();
        InetSocketAddress upstreamHop = dialer.upstreamHop();
        if (s.downgradeRefused() != null) {
            log.warn("downgrade_refused").with("conn", id)
                    .with("dest", session.destination().map(d -> Endpoints.format(d.address())).orElse(null))
                    .with("reason", s.downgradeRefused())
                    .with("note", "the peer did not answer BIP324; no plaintext fallback (possible downgrade attack)").log();
        }
        log.event(closedWith.isPresent() ? EventLog.Level.WARN : EventLog.Level.INFO, "close")
                .with("conn", id)
                .with("direction", session.direction().logName())
                .with("client", Endpoints.format(clientAddress))
                .with("dest", session.destination().map(d -> Endpoints.format(d.address())).orElse(null))
                .with("via", session.destination().map(d -> d.source().logName()).orElse(null))
                .with("upstream", upstreamHop != null ? Endpoints.format(upstreamHop) : null)
                .with("network", session.network().map(n -> n.name()).orElse(null))
                .with("transport", session.transport().map(Transport::logName).orElse(null))
                .with("session_id", s.sessionId())
                .with("outcome", closedWith.isPresent() ? "error" : "ok")
                .with("cause", closeLabel())
                .with("reason", closedWith.map(CloseCause::describe).orElse(null))
                .with("rule", session.refusal().map(v -> v.rule().logName()).orElse(null))
                .withAll(TrafficFields.closeLine(s.snapshot()))
                .with("duration_ms", (System.nanoTime() - openedAt) / 1_000_000)
                .log();
    }

    /** Why the connection ended, as its close line and connections_closed_total{cause} name it ("ok": cleanly). */
    String closeLabel() {
        return closedWith.map(CloseCause::label).orElse(CloseCause.CLEAN);
    }

    /** This connection now; call on its loop thread. */
    ConnectionSnapshot snapshot(long now) {
        InetSocketAddress upstreamHop = dialer.upstreamHop();
        long handshakeNanos = timers.handshakeNanos();
        return new ConnectionSnapshot(id, session.direction(), clientAddress, session.destination(),
                Optional.ofNullable(upstreamHop), session.network(), session.transport(), session.phase(),
                Optional.ofNullable(session.stats().sessionId()), (now - openedAt) / 1_000_000,
                handshakeNanos < 0 ? OptionalLong.empty() : OptionalLong.of(handshakeNanos / 1_000_000),
                session.stats().snapshot());
    }
}
