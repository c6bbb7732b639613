package org.bip324proxy.engine;

import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.Phase;
import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.relay.Transport;

/**
 * One connection's phases in time: when the current phase began, when a byte last moved, how long
 * the BIP324 handshake took, and whether the current phase's timeout has passed (first message,
 * connect, handshake; idle while relaying). Logs the phase changes worth a line: the v2 session
 * established, and a v1 fallback starting.
 */
final class PhaseTimers {
    private final long id;
    private final RelaySession session;
    private final EngineConfig config;
    private final EventLog log;
    private Phase lastPhase;
    private long phaseStartedAt;
    private long lastActivityAt;
    private long handshakeStartedAt;
    private long handshakeNanos = -1;

    PhaseTimers(long id, RelaySession session, EngineConfig config, EventLog log, long openedAt) {
        this.id = id;
        this.session = session;
        this.config = config;
        this.log = log;
        this.lastActivityAt = openedAt;
    }

    /** A byte was read or written: the idle timer starts again. */
    void activity() {
        lastActivityAt = System.nanoTime();
    }

    /** Called after every event: notes a change of the session's phase. */
    void observe(Phase phase) {
        if (phase != lastPhase) {
            onPhaseChange(lastPhase, phase);
            lastPhase = phase;
            phaseStartedAt = System.nanoTime();
        }
    }

    private void onPhaseChange(Phase from, Phase to) {
        if (to == Phase.HANDSHAKE) {
            handshakeStartedAt = System.nanoTime();
        }
        if (to == Phase.RELAY && session.transport().orElse(null) == Transport.V2) {
            if (from != Phase.HANDSHAKE) {
                handshakeStartedAt = phaseStartedAt; // inbound: completed while the node was being dialled
            }
            handshakeNanos = System.nanoTime() - handshakeStartedAt;
            log.info("v2").with("conn", id).with("session_id", session.stats().sessionId())
                    .with("handshake_ms", handshakeNanos / 1_000_000).log();
        } else if (to == Phase.CONNECTING && session.transport().orElse(null) == Transport.V1_FALLBACK) {
            log.warn("v1_fallback").with("conn", id)
                    .with("reason", session.stats().v1FallbackReason())
                    .with("note", "this connection is NOT encrypted").log();
        }
    }

    /** Whether {@code phase} has lasted longer than its timeout at {@code now} (idle time while relaying). */
    boolean expired(Phase phase, long now) {
        long since = phase == Phase.RELAY ? lastActivityAt : phaseStartedAt;
        long limit = switch (phase) {
            case FIRST_MESSAGE -> Nanos.of(config.firstMessageTimeout());
            case CONNECTING -> Nanos.of(config.connectTimeout());
            case HANDSHAKE -> Nanos.of(config.handshakeTimeout());
            case RELAY -> Nanos.of(config.idleTimeout());
            case CLOSED -> Nanos.NEVER;
        };
        return now - since > limit;
    }

    /** Nanoseconds the BIP324 handshake took, -1 if it has not completed. */
    long handshakeNanos() {
        return handshakeNanos;
    }
}
