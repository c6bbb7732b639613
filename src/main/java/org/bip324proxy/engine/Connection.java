package org.bip324proxy.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.OptionalLong;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.log.StackTop;
import org.bip324proxy.os.ListenerOptions;
import org.bip324proxy.relay.CloseCause;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.DestinationPolicy;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.relay.ProxySession;
import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.relay.SessionActions;
import org.bip324proxy.socks5.Socks5Client;
import org.bip324proxy.socks5.Socks5Exception;
import org.bip324proxy.socks5.Socks5Reply;
import org.bip324proxy.socks5.Socks5Server;
import org.bip324proxy.v1.DeferredChecksum;

/**
 * The engine side of one accepted connection: two sockets, two outbound queues, timers, and the
 * {@link RelaySession} that decides what the bytes mean (made by the listener's {@link SessionFactory}). Lives on one {@link EventLoop} thread.
 * Backpressure: a socket is not read while the opposite socket has more than the high watermark
 * queued, so memory per connection stays bounded whatever the peers do.
 *
 * <p>A SOCKS5 client arrives with its CONNECT request read ({@link Socks5Handover}): the session
 * connects at once, and the client gets its reply when the peer is connected (or a failure code
 * when that fails). With an upstream SOCKS5 proxy, "connected" means the upstream proxy's CONNECT
 * succeeded; until then the peer socket carries only that handshake.
 */
final class Connection implements SessionActions {
    /**
     * A SOCKS5 client whose CONNECT request was read: its handshake (to reply with) and the bytes
     * it sent after the request.
     */
    record Socks5Handover(Socks5Server handshake, ByteBuffer earlyBytes) {}

    private final long id;
    private final EventLoop loop;
    private final ConnectionHost server;
    private final EngineConfig config;
    private final EventLog log;
    private final SocketChannel client;
    private final InetSocketAddress clientAddress;
    private final DestinationPolicy.Listener listener;
    private final SelectionKey clientKey;
    private final RelaySession session;
    private final OutboundQueue toClient = new OutboundQueue();
    private final OutboundQueue toPeer = new OutboundQueue();
    private final long openedAt;
    /** The address the peer connection is made from (IP_TRANSPARENT: the client's own); empty: the kernel chooses. */
    private final Optional<java.net.InetAddress> dialFrom;

    private SocketChannel peer;
    private SelectionKey peerKey;
    private boolean peerConnecting;
    /** The SOCKS5 client's handshake while its reply is due; null once sent, or not a SOCKS5 client. */
    private Socks5Server socksReplyDue;
    private ByteBuffer socksEarlyBytes;
    /** The reply code the SOCKS5 client gets if the session closes before the peer is connected. */
    private Socks5Reply socksFailure = Socks5Reply.GENERAL_FAILURE;
    /** The SOCKS5 CONNECT through the upstream proxy while it is in progress. */
    private Socks5Client upstreamHandshake;
    private InetSocketAddress upstreamHop;
    /** Bumped for every peer connection, so a late name lookup for an older one is ignored. */
    private int peerAttempt;
    private boolean shutdownPeerPending;
    private boolean shutdownClientPending;
    private boolean closing;
    private boolean closed;
    private long closeDeadline;
    private ProxySession.Phase lastPhase;
    private long phaseStartedAt;
    private long lastActivityAt;
    private long handshakeStartedAt;
    private long handshakeNanos = -1;
    private boolean inEvent;
    /** A bug that ended this connection (see {@link #contain}), or null. */
    private Throwable internalError;
    /** Set once finished: why, or empty for a clean close. */
    private Optional<CloseCause> closedWith = Optional.empty();
    /** This connection's share of {@code ProxyServer.heldBytes()}. */
    private long reportedHeld;
    /** Reading was stopped only because all connections together are over the memory budget. */
    private boolean pausedByBudget;

    /**
     * @param sessions the listener's session factory
     * @param redirect the destination the OS reported, for redirected clients (logged)
     * @param socks a SOCKS5 client's handshake, whose CONNECT target is then the destination
     * @param listener the kind of listener the client came in on (for the destination policy)
     * @param dialFrom connect to the peer from this (non-local) address, with IP_TRANSPARENT
     */
    Connection(long id, EventLoop loop, ConnectionHost server, SocketChannel client, InetSocketAddress clientAddress,
            SessionFactory sessions, Optional<Destination> redirect, Optional<Socks5Handover> socks,
            DestinationPolicy.Listener listener, Optional<java.net.InetAddress> dialFrom) throws IOException {
        this.id = id;
        this.loop = loop;
        this.server = server;
        this.config = server.config();
        this.log = server.log();
        this.client = client;
        this.clientAddress = clientAddress;
        this.openedAt = System.nanoTime();
        this.lastActivityAt = openedAt;
        this.dialFrom = dialFrom;
        Optional<Destination> known = socks.map(s -> new Destination(s.handshake().target(), Destination.Source.SOCKS5));
        this.listener = listener;
        this.session = sessions.create(this, (InetSocketAddress) client.getLocalAddress());
        this.clientKey = client.register(loop.selector(), SelectionKey.OP_READ, new Side(false));
        log.info("accept").with("conn", id).with("direction", session.direction().logName())
                .with("client", Endpoints.format(clientAddress))
                .with("original_dst", redirect.map(Destination::toString).orElse(null))
                .with("socks5_dst", known.map(Destination::toString).orElse(null)).log();
        if (socks.isPresent()) {
            socksReplyDue = socks.get().handshake();
            socksEarlyBytes = socks.get().earlyBytes();
            inEvent = true;
            try {
                session.connectBeforeFirstMessage();
            } finally {
                inEvent = false;
            }
        }
        afterEvent();
    }

    // ---- SessionActions ---------------------------------------------------------------------

    @Override
    public void sendToClient(ByteBuffer bytes) {
        toClient.add(bytes);
    }

    @Override
    public void sendToPeer(ByteBuffer bytes) {
        toPeer.add(bytes);
    }

    @Override
    public void sendToClientAfter(ByteBuffer bytes, DeferredChecksum checksum) {
        toClient.addHeld(bytes);
        // Writing a checksum cannot fail.
        server.checksumWorkers().submit(checksum, noFailure -> loop.execute(() -> event(() -> toClient.release(bytes))));
    }

    @Override
    public void sendToPeerAfter(ByteBuffer bytes, DeferredChecksum check) {
        toPeer.addHeld(bytes);
        server.checksumWorkers().submit(check, failure -> loop.execute(() -> event(() -> {
            if (failure.isEmpty()) {
                toPeer.release(bytes);
            } else {
                toPeer.dropFrom(bytes);
                session.onClientChecksumFailed(failure.get());
            }
        })));
    }

    /**
     * Connects directly, or through the upstream SOCKS5 proxy when it carries this destination
     * (with fresh random credentials: a circuit of its own), or after a name lookup off the loop.
     */
    @Override
    public void connectPeer(InetSocketAddress address) {
        dropPeer();
        int attempt = ++peerAttempt;
        Optional<Socks5Config.Upstream> upstream = server.upstreamFor(address);
        upstreamHop = upstream.map(Socks5Config.Upstream::address).orElse(null);
        log.info("connect").with("conn", id).with("dest", Endpoints.format(address))
                .with("via", session.destination().map(d -> d.source().logName()).orElse(null))
                .with("upstream", upstreamHop != null ? Endpoints.format(upstreamHop) : null)
                .with("network", session.network().map(n -> n.name()).orElse(null))
                .with("transport", session.transport().map(ProxySession.Transport::logName).orElse(null))
                .log();
        if (upstream.isPresent()) {
            upstreamHandshake = new Socks5Client(address, Optional.of(UpstreamCredentials.random(server.rng())));
            open(upstream.get().address());
        } else if (address.isUnresolved()) {
            server.resolver().resolve(address.getHostString(), (ip, failure) -> loop.execute(() -> event(() -> {
                if (attempt == peerAttempt) {
                    resolved(address, ip, failure);
                }
            })));
        } else {
            open(address);
        }
    }

    private void resolved(InetSocketAddress name, java.net.InetAddress ip, String failure) {
        if (ip == null) {
            socksFailure = Socks5Reply.HOST_UNREACHABLE;
            session.onPeerConnectFailed(failure);
            return;
        }
        InetSocketAddress address = new InetSocketAddress(ip, name.getPort());
        Optional<String> refusal = server.destinationRefusal(address, listener);
        if (refusal.isPresent()) {
            socksFailure = Socks5Reply.NOT_ALLOWED;
            session.onPeerConnectFailed(name.getHostString() + " resolves to " + refusal.get());
            return;
        }
        log.event(EventLog.Level.DEBUG, "resolved").with("conn", id).with("name", name.getHostString()).with("address", Endpoints.format(address)).log();
        open(address);
    }

    private void open(InetSocketAddress address) {
        try {
            peer = SocketChannel.open(address.getAddress() instanceof java.net.Inet6Address
                    ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
            peer.configureBlocking(false);
            peer.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (dialFrom.isPresent()) {
                ListenerOptions.transparent(peer); // bind to a non-local address (CAP_NET_ADMIN, checked at start)
                peer.bind(new InetSocketAddress(dialFrom.get(), 0));
            }
            peerConnecting = true;
            peerKey = peer.register(loop.selector(), SelectionKey.OP_CONNECT, new Side(true));
            if (peer.connect(address)) {
                loop.execute(() -> event(this::tcpConnected));
            }
        } catch (IOException | RuntimeException e) {
            String why = describe(e);
            socksFailure = upstreamHop != null ? Socks5Reply.GENERAL_FAILURE : Socks5Failures.forConnectError(e);
            loop.execute(() -> event(() -> connectFailed(why)));
        }
    }

    private void connectFailed(String why) {
        session.onPeerConnectFailed(upstreamHop != null ? "upstream SOCKS5 proxy " + Endpoints.format(upstreamHop) + ": " + why : why);
    }

    @Override
    public void shutdownPeerOutput() {
        shutdownPeerPending = true;
    }

    @Override
    public void shutdownClientOutput() {
        shutdownClientPending = true;
    }

    @Override
    public void close() {
        if (socksReplyDue != null) {
            toClient.add(ByteBuffer.wrap(socksReplyDue.reply(socksFailure, Socks5Server.UNSPECIFIED)));
            socksReplyDue = null;
        }
        if (!closing) {
            closing = true;
            closeDeadline = System.nanoTime() + Nanos.of(config.closeFlushTimeout());
        }
    }

    // ---- socket events ----------------------------------------------------------------------

    /** Selection-key attachment for one of the two sockets. */
    private final class Side implements EventLoop.Handler, EventLoop.FailureAware {
        private final boolean peerSide;

        Side(boolean peerSide) {
            this.peerSide = peerSide;
        }

        /**
         * A socket is ready. Socket errors go back to the loop, which reports them through
         * {@link #onFailure}; so do bugs, once this event's bookkeeping is skipped.
         */
        @Override
        public void onReady(SelectionKey key) throws IOException {
            if (closed) {
                return;
            }
            inEvent = true;
            try {
                handle(key);
            } catch (IOException e) {
                inEvent = false;
                afterEvent();
                throw e;
            } catch (RuntimeException | Error e) {
                inEvent = false;
                throw e;
            }
            inEvent = false;
            afterEvent();
        }

        private void handle(SelectionKey key) throws IOException {
            if (key.isConnectable()) {
                try {
                    peer.finishConnect();
                } catch (IOException e) {
                    socksFailure = upstreamHop != null ? Socks5Reply.GENERAL_FAILURE : Socks5Failures.forConnectError(e);
                    connectFailed(describe(e));
                    return;
                }
                tcpConnected();
            }
            if (key.isValid() && key.isWritable()) {
                write(peerSide);
            }
            if (key.isValid() && key.isReadable()) {
                read(peerSide);
            }
        }

        /** A socket error ends what that socket can do (the session decides the rest); anything else is a bug. */
        @Override
        public void onFailure(Throwable e) {
            if (closed) {
                return;
            }
            if (!(e instanceof IOException io)) {
                contain(e);
                return;
            }
            event(() -> {
                (peerSide ? toPeer : toClient).clear(); // that socket can take nothing more
                session.onError(peerSide, describe(io));
                if (session.phase() == ProxySession.Phase.CLOSED) {
                    close();
                }
            });
        }
    }

    /** The TCP connection is made: to the peer, or to the upstream proxy that must connect onwards. */
    private void tcpConnected() {
        peerConnecting = false;
        if (upstreamHandshake != null) {
            toPeer.add(ByteBuffer.wrap(upstreamHandshake.takeOutput()));
        } else {
            peerConnected();
        }
    }

    /**
     * Reads the upstream proxy's handshake one byte at a time (a few dozen bytes at most), so that
     * whatever the peer sends after the reply stays in the socket until the session wants it.
     */
    private void readUpstreamHandshake() throws IOException {
        while (upstreamHandshake != null) {
            ByteBuffer one = loop.readBuffer().limit(1);
            int n = peer.read(one);
            if (n == 0) {
                return;
            }
            try {
                if (n < 0) {
                    upstreamHandshake.onEof();
                }
                boolean connected = upstreamHandshake.receive(one.flip());
                toPeer.add(ByteBuffer.wrap(upstreamHandshake.takeOutput()));
                if (connected) {
                    upstreamHandshake = null;
                    peerConnected();
                }
            } catch (Socks5Exception e) {
                upstreamHandshake = null;
                socksFailure = e.reply().filter(r -> e.reason() == Socks5Exception.Reason.REFUSED).orElse(Socks5Reply.GENERAL_FAILURE);
                connectFailed(e.getMessage());
            }
        }
    }

    /** The peer is reachable: a SOCKS5 client gets its reply now, then the session goes on. */
    private void peerConnected() {
        if (socksReplyDue != null) {
            InetSocketAddress local = null;
            try {
                local = (InetSocketAddress) peer.getLocalAddress();
            } catch (IOException e) {
                // the bound address is informational only
            }
            toClient.add(ByteBuffer.wrap(socksReplyDue.reply(Socks5Reply.SUCCEEDED,
                    local != null && upstreamHop == null ? local : Socks5Server.UNSPECIFIED)));
            socksReplyDue = null;
        }
        session.onPeerConnected();
        if (socksEarlyBytes != null) {
            ByteBuffer early = socksEarlyBytes;
            socksEarlyBytes = null;
            if (early.hasRemaining()) {
                session.onClientBytes(early);
            }
        }
    }

    private void read(boolean peerSide) throws IOException {
        if (server.overMemoryBudget()) {
            return; // selected before the budget filled up; afterEvent stops reading
        }
        if (peerSide && upstreamHandshake != null) {
            readUpstreamHandshake();
            return;
        }
        SocketChannel ch = peerSide ? peer : client;
        ByteBuffer buf = loop.readBuffer();
        int n = ch.read(buf);
        if (n < 0) {
            if (peerSide) {
                session.onPeerEof();
            } else {
                session.onClientEof();
            }
            return;
        }
        if (n > 0) {
            lastActivityAt = System.nanoTime();
            buf.flip();
            if (peerSide) {
                session.onPeerBytes(buf);
            } else {
                session.onClientBytes(buf);
            }
        }
    }

    private void write(boolean peerSide) throws IOException {
        OutboundQueue q = peerSide ? toPeer : toClient;
        if (q.writeTo(peerSide ? peer : client) > 0) {
            lastActivityAt = System.nanoTime();
        }
    }

    /**
     * Runs a session event (from a loop task or a tick) with the same bookkeeping as socket
     * events; a bug in it ends this connection only ({@link #contain}).
     */
    private void event(Runnable r) {
        if (closed) {
            return;
        }
        inEvent = true;
        try {
            r.run();
            inEvent = false;
            afterEvent();
        } catch (RuntimeException | Error e) {
            inEvent = false;
            contain(e);
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
        if (!closed) {
            internalError = e;
            finish();
        }
    }

    /** Called after every event: queued writes and shutdowns, phase bookkeeping, interest ops, closing. */
    private void afterEvent() {
        if (closed || inEvent) {
            return;
        }
        reportHeld(); // the most this connection holds: what the event queued, before writing
        // Try to write right away: most writes complete without waiting for OP_WRITE.
        flushToClient();
        flushToPeer();
        ProxySession.Phase phase = session.phase();
        if (phase != lastPhase) {
            onPhaseChange(lastPhase, phase);
            lastPhase = phase;
            phaseStartedAt = System.nanoTime();
        }
        if (phase == ProxySession.Phase.CLOSED) {
            close();
        }
        if (closing && (toClient.isEmpty() || !client.isOpen()) && (toPeer.isEmpty() || peer == null || peerConnecting)) {
            finish();
            return;
        }
        updateInterest();
        reportHeld();
    }

    private void flushToClient() {
        try {
            if (toClient.canWrite() && client.isOpen()) {
                write(false);
            }
            if (shutdownClientPending && toClient.isEmpty()) {
                shutdownClientPending = false;
                client.shutdownOutput();
            }
        } catch (IOException e) {
            writeFailed(false, e);
        }
    }

    private void flushToPeer() {
        if (peer == null || peerConnecting) {
            return;
        }
        try {
            if (toPeer.canWrite() && peer.isOpen()) {
                write(true);
            }
            if (shutdownPeerPending && toPeer.isEmpty()) {
                shutdownPeerPending = false;
                peer.shutdownOutput();
            }
        } catch (IOException e) {
            writeFailed(true, e);
        }
    }

    /**
     * Writing to one socket failed: what was queued for it is lost, and the session decides (close,
     * or v1 fallback when the peer resets during the handshake). The other side's queue still flushes.
     */
    private void writeFailed(boolean peerSide, IOException e) {
        (peerSide ? toPeer : toClient).clear();
        session.onError(peerSide, describe(e));
        if (session.phase() == ProxySession.Phase.CLOSED) {
            close();
        }
    }

    private void reportHeld() {
        long held = toClient.memory() + toPeer.memory() + session.bufferedBytes();
        if (held != reportedHeld) {
            server.heldBytesChanged(held - reportedHeld, held);
            reportedHeld = held;
        }
    }

    private void updateInterest() {
        pausedByBudget = !closing && server.overMemoryBudget();
        boolean readable = !closing && !pausedByBudget;
        int clientOps = 0;
        if (readable && session.wantsClientBytes() && toPeer.memory() < config.queueHighWatermark()) {
            clientOps |= SelectionKey.OP_READ;
        }
        if (toClient.canWrite()) {
            clientOps |= SelectionKey.OP_WRITE;
        }
        if (clientKey.isValid()) {
            clientKey.interestOps(clientOps);
        }
        if (peerKey != null && peerKey.isValid()) {
            int peerOps;
            if (peerConnecting) {
                peerOps = SelectionKey.OP_CONNECT;
            } else {
                peerOps = 0;
                if (readable && (upstreamHandshake != null
                        || session.wantsPeerBytes() && toClient.memory() < config.queueHighWatermark())) {
                    peerOps |= SelectionKey.OP_READ;
                }
                if (toPeer.canWrite()) {
                    peerOps |= SelectionKey.OP_WRITE;
                }
            }
            peerKey.interestOps(peerOps);
        }
    }

    private void onPhaseChange(ProxySession.Phase from, ProxySession.Phase to) {
        if (to == ProxySession.Phase.HANDSHAKE) {
            handshakeStartedAt = System.nanoTime();
        }
        if (to == ProxySession.Phase.RELAY && session.transport().orElse(null) == ProxySession.Transport.V2) {
            if (from != ProxySession.Phase.HANDSHAKE) {
                handshakeStartedAt = phaseStartedAt; // inbound: completed while the node was being dialled
            }
            handshakeNanos = System.nanoTime() - handshakeStartedAt;
            log.info("v2").with("conn", id).with("session_id", session.stats().sessionId())
                    .with("handshake_ms", handshakeNanos / 1_000_000).log();
        } else if (to == ProxySession.Phase.CONNECTING && session.transport().orElse(null) == ProxySession.Transport.V1_FALLBACK) {
            log.warn("v1_fallback").with("conn", id)
                    .with("reason", session.stats().v1FallbackReason())
                    .with("note", "this connection is NOT encrypted").log();
        }
    }

    /** Timer check, called on every loop tick. */
    void onTick(long now) {
        if (closed) {
            return;
        }
        try {
            checkDeadlines(now);
        } catch (RuntimeException | Error e) {
            contain(e);
        }
    }

    private void checkDeadlines(long now) {
        if (closing) {
            if (now - closeDeadline > 0) {
                log.warn("flush_timeout").with("conn", id)
                        .with("unsent_to_client", toClient.bytes()).with("unsent_to_peer", toPeer.bytes()).log();
                finish();
            }
            return;
        }
        if (pausedByBudget) {
            updateInterest(); // the budget may have room again
        }
        ProxySession.Phase phase = session.phase();
        long since = phase == ProxySession.Phase.RELAY ? lastActivityAt : phaseStartedAt;
        long limit = switch (phase) {
            case FIRST_MESSAGE -> Nanos.of(config.firstMessageTimeout());
            case CONNECTING -> Nanos.of(config.connectTimeout());
            case HANDSHAKE -> Nanos.of(config.handshakeTimeout());
            case RELAY -> Nanos.of(config.idleTimeout());
            case CLOSED -> Nanos.NEVER;
        };
        if (now - since > limit) {
            if (phase == ProxySession.Phase.CONNECTING) {
                socksFailure = Socks5Reply.HOST_UNREACHABLE;
            }
            event(session::onTimeout);
        }
    }

    private void dropPeer() {
        if (peer != null) {
            closeQuietly(peer);
            peer = null;
            peerKey = null;
            peerConnecting = false;
            toPeer.clear();
            shutdownPeerPending = false;
            upstreamHandshake = null;
        }
    }

    private void finish() {
        if (closed) {
            return;
        }
        closed = true;
        server.heldBytesChanged(-reportedHeld, 0);
        reportedHeld = 0;
        closeQuietly(client);
        if (peer != null) {
            closeQuietly(peer);
        }
        closedWith = internalError != null ? Optional.of(new CloseCause.InternalError(internalError.toString()))
                : session.closeCause();
        server.connectionClosed(this);
        var s = session.stats();
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
                .with("transport", session.transport().map(ProxySession.Transport::logName).orElse(null))
                .with("session_id", s.sessionId())
                .with("outcome", closedWith.isPresent() ? "error" : "ok")
                .with("cause", closeLabel())
                .with("reason", closedWith.map(CloseCause::describe).orElse(null))
                .with("rule", session.refusal().map(v -> v.rule().logName()).orElse(null))
                .withAll(TrafficFields.closeLine(s.snapshot()))
                .with("duration_ms", (System.nanoTime() - openedAt) / 1_000_000)
                .log();
    }

    RelaySession session() {
        return session;
    }

    /** Why the connection ended, as its close line and connections_closed_total{cause} name it ("ok": cleanly). */
    String closeLabel() {
        return closedWith.map(CloseCause::label).orElse(CloseCause.CLEAN);
    }

    EventLoop loop() {
        return loop;
    }

    /** Nanoseconds the BIP324 handshake took, -1 if it has not completed. */
    long handshakeNanos() {
        return handshakeNanos;
    }

    /** Ends the session because the proxy stops (after the drain time). */
    void stopForShutdown() {
        event(session::onShutdown);
    }

    /** This connection now; call on its loop thread. */
    ConnectionSnapshot snapshot(long now) {
        return new ConnectionSnapshot(id, session.direction(), clientAddress, session.destination(),
                Optional.ofNullable(upstreamHop), session.network(), session.transport(), session.phase(),
                Optional.ofNullable(session.stats().sessionId()), (now - openedAt) / 1_000_000,
                handshakeNanos < 0 ? OptionalLong.empty() : OptionalLong.of(handshakeNanos / 1_000_000),
                session.stats().snapshot());
    }

    long id() {
        return id;
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already broken; nothing more to do
        }
    }

    static String describe(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
