package org.bip324proxy.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.log.StackTop;
import org.bip324proxy.relay.CloseCause;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.DestinationPolicy;
import org.bip324proxy.relay.Phase;
import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.relay.SessionActions;
import org.bip324proxy.socks5.Socks5Reply;
import org.bip324proxy.v1.DeferredChecksum;

/**
 * The engine side of one accepted connection, on one {@link EventLoop} thread: turns socket events
 * into calls of the {@link RelaySession} that decides what the bytes mean (made by the listener's
 * {@link SessionFactory}), and the session's {@link SessionActions} into socket operations; after
 * every event (run by {@link ConnectionEvents}) the same bookkeeping: flush, phase, interest,
 * closing. Its parts: two {@link SocketSide}s (a socket and its outbound queue each) and the
 * {@link ConnectionIo} that moves their bytes, the {@link PeerDialer}, {@link Backpressure},
 * {@link PhaseTimers}, a SOCKS5 client's {@link PendingSocks5Reply}, and the
 * {@link ConnectionReport} (log lines, snapshot).
 *
 * <p>A SOCKS5 client arrives with its CONNECT request read ({@link Socks5Handover}): the session
 * connects at once, and the client gets its reply when the peer is connected (or a failure code
 * when that fails). With an upstream SOCKS5 proxy, "connected" means the upstream proxy's CONNECT
 * succeeded; until then the peer socket carries only that handshake.
 */
final class Connection implements SessionActions {
    private final long id;
    private final EventLoop loop;
    private final ConnectionHost server;
    private final EventLog log;
    private final RelaySession session;
    private final SocketSide client = new SocketSide(false);
    private final SocketSide peer = new SocketSide(true);
    private final PendingSocks5Reply socksReply;
    private final PeerDialer dialer;
    private final PhaseTimers timers;
    private final Backpressure backpressure;
    private final ConnectionIo io;
    private final ConnectionReport report;
    private final ConnectionEvents events = new ConnectionEvents(this::afterEvent, this::contain);

    private boolean closing;
    private long closeDeadline;
    /** A bug that ended this connection (see {@link #contain}), or null. */
    private Throwable internalError;

    /**
     * @param sessions the listener's session factory
     * @param redirect the destination the OS reported, for redirected clients (logged)
     * @param socks a SOCKS5 client's handshake, whose CONNECT target is then the destination
     * @param listener the kind of listener the client came in on (for the destination policy)
     * @param dialFrom connect to the peer from this (non-local) address, with IP_TRANSPARENT
     */
    Connection(long id, EventLoop loop, ConnectionHost server, SocketChannel client, InetSocketAddress clientAddress,
            SessionFactory sessions, Optional<Destination> redirect, Optional<Socks5Handover> socks,
            DestinationPolicy.Listener listener, Optional<InetAddress> dialFrom) throws IOException {
        this.id = id;
        this.loop = loop;
        this.server = server;
        this.log = server.log();
        long openedAt = System.nanoTime();
        this.session = sessions.create(this, (InetSocketAddress) client.getLocalAddress());
        this.timers = new PhaseTimers(id, session, server.config(), log, openedAt);
        this.socksReply = new PendingSocks5Reply(this.client.queue(), socks);
        this.dialer = new PeerDialer(id, loop, server, session, listener, dialFrom, peer, new Side(peer), socksReply, events::event);
        this.backpressure = new Backpressure(this.client, peer, session, server);
        this.io = new ConnectionIo(this.client, peer, loop, server, session, dialer, timers, this::close);
        this.report = new ConnectionReport(id, log, session, clientAddress, dialer, timers, openedAt);
        this.client.attach(client, false);
        this.client.register(loop.selector(), SelectionKey.OP_READ, new Side(this.client));
        report.accepted(redirect, socks.map(s -> new Destination(s.handshake().target(), Destination.Source.SOCKS5)));
        if (socks.isPresent()) {
            events.socketEvent(session::connectBeforeFirstMessage);
        } else {
            afterEvent();
        }
    }

    @Override
    public void sendToClient(ByteBuffer bytes) {
        client.queue().add(bytes);
    }

    @Override
    public void sendToPeer(ByteBuffer bytes) {
        peer.queue().add(bytes);
    }

    @Override
    public void sendToClientAfter(ByteBuffer bytes, DeferredChecksum checksum) {
        io.sendAfter(client, bytes, checksum, events::event);
    }

    @Override
    public void sendToPeerAfter(ByteBuffer bytes, DeferredChecksum check) {
        io.sendAfter(peer, bytes, check, events::event);
    }

    /** See {@link PeerDialer#connect}. */
    @Override
    public void connectPeer(InetSocketAddress address) {
        dialer.connect(address);
    }

    @Override
    public void shutdownPeerOutput() {
        peer.shutdownOutputWhenFlushed();
    }

    @Override
    public void shutdownClientOutput() {
        client.shutdownOutputWhenFlushed();
    }

    @Override
    public void close() {
        socksReply.closing();
        if (!closing) {
            closing = true;
            closeDeadline = System.nanoTime() + Nanos.of(server.config().closeFlushTimeout());
        }
    }

    /** Selection-key attachment for one of the two sockets. */
    private final class Side implements EventLoop.Handler, EventLoop.FailureAware {
        private final SocketSide side;

        Side(SocketSide side) {
            this.side = side;
        }

        /** A socket is ready: its errors and bugs go back to the loop, which reports them through {@link #onFailure}. */
        @Override
        public void onReady(SelectionKey key) throws IOException {
            events.socketEvent(() -> io.onReady(side, key));
        }

        /** A socket error ends what that socket can do (the session decides the rest); anything else is a bug. */
        @Override
        public void onFailure(Throwable e) {
            if (events.closed()) {
                return;
            }
            if (!(e instanceof IOException failure)) {
                contain(e);
                return;
            }
            events.event(() -> io.failed(side, failure));
        }
    }

    /**
     * A bug surfaced while handling this connection: its state can no longer be trusted, so it is
     * dropped at once (nothing more is flushed) with the cause logged, and the loop goes on with
     * its other connections. Fatal errors ({@link EventLoop#isFatal}) go on up to the loop.
     */
    private void contain(Throwable e) {
        if (EventLoop.isFatal(e)) {
            throw (Error) e;
        }
        log.error("internal_error").with("conn", id).with("error", e.toString()).with("at", StackTop.of(e)).log();
        if (!events.closed()) {
            internalError = e;
            finish();
        }
    }

    /** Called after every event: queued writes and shutdowns, phase bookkeeping, interest ops, closing. */
    private void afterEvent() {
        if (!events.bookkeepingDue()) {
            return;
        }
        backpressure.reportHeld(); // the most this connection holds: what the event queued, before writing
        io.flush();
        Phase phase = session.phase();
        timers.observe(phase);
        if (phase == Phase.CLOSED) {
            close();
        }
        if (closing && io.drained()) {
            finish();
            return;
        }
        backpressure.updateInterest(closing, dialer.upstreamHandshaking());
        backpressure.reportHeld();
    }

    /** Timer check, called on every loop tick; a bug in it ends this connection only. */
    void onTick(long now) {
        if (events.closed()) {
            return;
        }
        try {
            checkDeadlines(now);
        } catch (RuntimeException | Error e) {
            contain(e);
        }
    }

    /** The close flush timeout while closing, else the memory budget's pause and the phase's timeout. */
    private void checkDeadlines(long now) {
        if (closing) {
            if (now - closeDeadline > 0) {
                log.warn("flush_timeout").with("conn", id)
                        .with("unsent_to_client", client.queue().bytes()).with("unsent_to_peer", peer.queue().bytes()).log();
                finish();
            }
            return;
        }
        if (backpressure.pausedByBudget()) {
            backpressure.updateInterest(closing, dialer.upstreamHandshaking()); // the budget may have room again
        }
        Phase phase = session.phase();
        if (timers.expired(phase, now)) {
            if (phase == Phase.CONNECTING) {
                socksReply.failWith(Socks5Reply.HOST_UNREACHABLE);
            }
            events.event(session::onTimeout);
        }
    }

    private void finish() {
        if (events.closed()) {
            return;
        }
        events.markClosed();
        backpressure.released();
        client.closeQuietly();
        peer.closeQuietly();
        report.closed(internalError != null ? Optional.of(new CloseCause.InternalError(internalError.toString()))
                : session.closeCause());
        server.connectionClosed(this);
        report.logClose();
    }

    RelaySession session() {
        return session;
    }

    /** Why the connection ended, as its close line and connections_closed_total{cause} name it ("ok": cleanly). */
    String closeLabel() {
        return report.closeLabel();
    }

    EventLoop loop() {
        return loop;
    }

    /** Nanoseconds the BIP324 handshake took, -1 if it has not completed. */
    long handshakeNanos() {
        return timers.handshakeNanos();
    }

    /** Ends the session because the proxy stops (after the drain time). */
    void stopForShutdown() {
        events.event(session::onShutdown);
    }

    /** This connection now; call on its loop thread. */
    ConnectionSnapshot snapshot(long now) {
        return report.snapshot(now);
    }

    long id() {
        return id;
    }
}
