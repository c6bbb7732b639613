package org.bip324proxy.relay;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.bip324proxy.relay.Phase;
import org.bip324proxy.relay.Transport;

/**
 * What both sessions share ({@link ProxySession} outbound, {@link InboundSession} inbound): the
 * phase, every change of which goes through {@link #moveTo} and so through the transition table
 * of {@link Phase#moveTo}; the chosen transport and its {@link TransportRelay}, to which bytes,
 * ends and the read interest are handed while it runs; the close, once, with its cause; the
 * counters and the two {@link Sides}. What comes before the relay (first message, destination,
 * connect, handshake timeouts and fallback) is each session's own.
 */
abstract class AbstractRelaySession implements RelaySession {
    // Public methods here are not final, so that javac bridges them into the public subclasses
    // (method references from other packages to a final one of this package-private class fail).

    final SessionActions actions;
    final SessionStats stats = new SessionStats();
    final Sides sides;
    /** The chosen transport's relay while it runs; null before (and while a v1 fallback reconnects). */
    TransportRelay relay;
    private Phase phase = Phase.FIRST_MESSAGE;
    private Transport transport;
    private CloseCause closeCause;

    /** @param v1IsClient true outbound (the client speaks v1), false inbound (the dialled node does) */
    AbstractRelaySession(SessionActions actions, boolean v1IsClient) {
        this.actions = actions;
        this.sides = new Sides(actions, stats, v1IsClient, this::close);
    }

    /** Client bytes before the relay runs (the first message, or bytes held while the peer is dialled). */
    abstract void clientBytesBeforeRelay(ByteBuffer in);

    @Override
    public void onClientBytes(ByteBuffer in) {
        sides.received(sides.client(), in.remaining());
        if (phase == Phase.CLOSED) {
            in.position(in.limit());
        } else if (relay != null) {
            relay.received(sides.client(), in);
        } else {
            clientBytesBeforeRelay(in);
        }
    }

    @Override
    public void onPeerBytes(ByteBuffer in) {
        Sides.Side peer = sides.client().other();
        sides.received(peer, in.remaining());
        if (phase != Phase.CLOSED && relay != null) {
            relay.received(peer, in);
        } else {
            in.position(in.limit()); // the peer is not read before the relay runs
        }
    }

    @Override
    public void onShutdown() {
        close(new CloseCause.Shutdown());
    }

    /** Moves to {@code next}; throws {@link IllegalStateException} for a move the table does not list. */
    final void moveTo(Phase next) {
        phase = phase.moveTo(next, direction());
    }

    final void choose(Transport chosen) {
        transport = chosen;
    }

    /** Closes with {@code cause}, once; null for a clean close (both sides finished). */
    final void close(CloseCause cause) {
        if (phase == Phase.CLOSED) {
            return;
        }
        moveTo(Phase.CLOSED);
        closeCause = cause;
        destroyKeys();
        actions.close();
    }

    /** Wipes the session's key material when it closes. */
    void destroyKeys() {
        if (relay != null) {
            relay.destroy();
        }
    }

    @Override
    public Phase phase() {
        return phase;
    }

    @Override
    public boolean wantsClientBytes() {
        return switch (phase) {
            case FIRST_MESSAGE -> !sides.ended(sides.client());
            case HANDSHAKE, RELAY -> relay.wantsBytes(sides.client());
            default -> false;
        };
    }

    @Override
    public boolean wantsPeerBytes() {
        return (phase == Phase.HANDSHAKE || phase == Phase.RELAY) && relay.wantsBytes(sides.client().other());
    }

    @Override
    public Optional<Transport> transport() {
        return Optional.ofNullable(transport);
    }

    @Override
    public Optional<CloseCause> closeCause() {
        return Optional.ofNullable(closeCause);
    }

    @Override
    public SessionStats stats() {
        return stats;
    }
}
