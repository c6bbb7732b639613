package org.bip324proxy.testsupport;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.relay.CloseCause;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.DestinationPolicy;
import org.bip324proxy.relay.Phase;
import org.bip324proxy.relay.ProxySession;
import org.bip324proxy.relay.SessionActions;
import org.bip324proxy.relay.SessionSettings;
import org.bip324proxy.relay.V1FallbackPolicy;
import org.bip324proxy.v1.DeferredChecksum;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameDecoder;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v1.V1ProtocolException;

/**
 * Drives one {@link ProxySession} without sockets, threads or a real clock, as the engine would:
 * the test plays the v1 client (raw bytes or framed messages) and the peer (raw bytes, or BIP324
 * through a {@link ScriptedBip324Peer}), and the driver stands in for {@code engine.Connection}.
 *
 * <p>What it keeps from the engine: bytes are handed over in chunks (random sizes from a seeded
 * {@link Random}, or one byte at a time) and only while the session wants them
 * ({@link ProxySession#wantsClientBytes}, {@link ProxySession#wantsPeerBytes}), EOF after the bytes
 * before it; checksum jobs run before the bytes they hold back are "written", and a failed one
 * drops its bytes and everything queued after it in the same event before the session hears of
 * it; a new {@link SessionActions#connectPeer} drops the old peer connection. The fake clock fires
 * {@link ProxySession#onTimeout} by the engine's rule: the phase's limit counted from the phase's
 * start, in RELAY from the last byte read or written.
 */
public final class SessionDriver implements SessionActions {
    /** The engine's per-phase limits ({@code --first-message-timeout} and the others). */
    public record Timeouts(Duration firstMessage, Duration connect, Duration handshake, Duration idle) {
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofMinutes(10));
    }

    /** The session's configuration and the driver's behaviour; every setting has a default. */
    public static final class Builder {
        private List<Network> networks = Network.knownNetworks();
        private SessionSettings.DestinationMode destinationMode = SessionSettings.DestinationMode.AUTO;
        private V1FallbackPolicy v1Fallback = V1FallbackPolicy.requireV2();
        private Optional<String> userAgentSuffix = Optional.empty();
        private DestinationPolicy destinationPolicy = Policies.loopbackPeers();
        private int maxVersionSize = SessionSettings.DEFAULT_MAX_VERSION_SIZE;
        private Optional<Destination> redirect = Optional.empty();
        private DestinationPolicy.Listener listener = DestinationPolicy.Listener.LOOPBACK;
        private Timeouts timeouts = Timeouts.DEFAULT;
        private long seed = 1;
        private int maxChunk = Integer.MAX_VALUE;

        public Builder networks(List<Network> networks) {
            this.networks = networks;
            return this;
        }

        public Builder destinationMode(SessionSettings.DestinationMode mode) {
            this.destinationMode = mode;
            return this;
        }

        public Builder v1Fallback(V1FallbackPolicy policy) {
            this.v1Fallback = policy;
            return this;
        }

        public Builder userAgentSuffix(String suffix) {
            this.userAgentSuffix = Optional.of(suffix);
            return this;
        }

        public Builder destinationPolicy(DestinationPolicy policy) {
            this.destinationPolicy = policy;
            return this;
        }

        public Builder maxVersionSize(int bytes) {
            this.maxVersionSize = bytes;
            return this;
        }

        /** The connection was redirected (SO_ORIGINAL_DST) to {@code address}. */
        public Builder redirectedTo(InetSocketAddress address) {
            return destination(new Destination(address, Destination.Source.SO_ORIGINAL_DST));
        }

        /** The destination the engine knows before the first byte (redirect, TPROXY, SOCKS5). */
        public Builder destination(Destination destination) {
            this.redirect = Optional.of(destination);
            return this;
        }

        public Builder listener(DestinationPolicy.Listener listener) {
            this.listener = listener;
            return this;
        }

        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = timeouts;
            return this;
        }

        /** Seed of the chunk sizes (and of the session's keys and garbage). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Largest chunk handed to the session in one event; 1 drips byte by byte. */
        public Builder maxChunk(int bytes) {
            this.maxChunk = bytes;
            return this;
        }

        public SessionDriver build() {
            return new SessionDriver(this);
        }
    }

    private final Random chunks;
    private final SecureRandom rng;
    private final Timeouts timeouts;
    private final int maxChunk;
    private final ProxySession session;

    private long now;
    private Phase lastPhase;
    private long phaseStartedAt;
    private long lastActivityAt;
    private boolean inEvent;
    private boolean pumping;

    private final List<InetSocketAddress> connects = new ArrayList<>();
    private final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
    /** Bytes sent on the current peer connection, not yet taken by the test. */
    private final ByteArrayOutputStream toPeer = new ByteArrayOutputStream();
    private final ByteArrayOutputStream clientPending = new ByteArrayOutputStream();
    private final ByteArrayOutputStream peerPending = new ByteArrayOutputStream();
    private boolean clientEofPending;
    private boolean peerEofPending;
    private ScriptedBip324Peer v2Peer;
    private boolean closed;
    private boolean peerOutputShut;
    private boolean clientOutputShut;
    private V1ProtocolException checksumFailure;
    private int checksumJobs;
    private boolean connectPending;
    private boolean peerOpen;
    private final List<Phase> phases = new ArrayList<>();

    private SessionDriver(Builder b) {
        this.chunks = new Random(b.seed);
        this.rng = seeded(b.seed);
        this.timeouts = b.timeouts;
        this.maxChunk = b.maxChunk;
        SessionSettings settings = SessionSettings.builder().networks(b.networks).destinationMode(b.destinationMode)
                .v1Fallback(b.v1Fallback).userAgentSuffix(b.userAgentSuffix).aeadBackend(AeadBackend.JDK)
                .destinationPolicy(b.destinationPolicy).rng(rng).maxVersionSize(b.maxVersionSize).build();
        this.session = new ProxySession(settings, this, b.redirect, b.listener);
        this.lastPhase = session.phase();
        phases.add(lastPhase);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A SecureRandom that repeats for a seed, so a failing run replays. */
    static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the client ---------------------------------------------------------------------------

    /** The client writes {@code bytes}; the session reads them in chunks while it wants them. */
    public SessionDriver clientSends(byte[] bytes) {
        clientPending.writeBytes(bytes);
        pump();
        return this;
    }

    /** The client writes one framed v1 message of {@code network}. */
    public SessionDriver clientSends(Network network, String command, byte[] payload) {
        return clientSends(new V1FrameEncoder(network).frame(command, payload));
    }

    /** The client writes a VERSION of {@code network} naming {@code addrRecv}. */
    public SessionDriver clientSendsVersion(Network network, InetSocketAddress addrRecv) {
        return clientSends(network, "version", V1TestClient.versionPayload(addrRecv, "/driver:1.0/"));
    }

    /** The client shuts down its output (FIN), read after what it sent before. */
    public SessionDriver clientEof() {
        clientEofPending = true;
        pump();
        return this;
    }

    /** Everything the session queued for the client so far. */
    public byte[] clientReceived() {
        return toClient.toByteArray();
    }

    /** The v1 messages the client received, decoded (fails on a partial or corrupt frame). */
    public List<V1Message> clientMessages(Network network) {
        V1FrameDecoder d = new V1FrameDecoder(network, 0);
        ByteBuffer in = ByteBuffer.wrap(toClient.toByteArray());
        List<V1Message> out = new ArrayList<>();
        try {
            V1Message m;
            while ((m = d.next(in)) != null) {
                out.add(m);
            }
        } catch (V1ProtocolException e) {
            throw new AssertionError("the client received a bad v1 frame", e);
        }
        if (!d.atMessageBoundary()) {
            throw new AssertionError("the client received a partial v1 frame");
        }
        return out;
    }

    // ---- the peer -----------------------------------------------------------------------------

    /** The last connection the session asked for is established. */
    public SessionDriver peerConnected() {
        requireConnectPending();
        connectPending = false;
        peerOpen = true;
        return event(session::onPeerConnected);
    }

    public SessionDriver peerConnectFailed(String why) {
        requireConnectPending();
        connectPending = false;
        return event(() -> session.onPeerConnectFailed(why));
    }

    private void requireConnectPending() {
        if (!connectPending) {
            throw new IllegalStateException("the session asked for no connection");
        }
    }

    /** The peer writes {@code bytes}; the session reads them in chunks while it wants them. */
    public SessionDriver peerSends(byte[] bytes) {
        requirePeerOpen();
        peerPending.writeBytes(bytes);
        pump();
        return this;
    }

    /** The peer shuts down its output (FIN), read after what it sent before. */
    public SessionDriver peerEof() {
        requirePeerOpen();
        peerEofPending = true;
        pump();
        return this;
    }

    private void requirePeerOpen() {
        if (!peerOpen) {
            throw new IllegalStateException("no peer connection is established");
        }
    }

    /**
     * The BIP324 side of the current peer connection, created on first use; it has already
     * received what the session sent on this connection and receives the rest as it is sent.
     */
    public ScriptedBip324Peer v2Peer(Network network) {
        if (v2Peer == null) {
            v2Peer = new ScriptedBip324Peer(network.magic(), false, rng);
            v2Peer.received(takeToPeer());
        }
        return v2Peer;
    }

    /** Hands what the scripted peer scheduled to the session. */
    public SessionDriver deliverFromPeer() {
        return peerSends(v2Peer.takeScheduled());
    }

    /**
     * A complete, correct BIP324 answer: the peer's key, {@code garbage} random bytes, terminator,
     * {@code decoys} decoys and version packet; then the peer reads the session's handshake.
     */
    public ScriptedBip324Peer completeV2Handshake(Network network, int garbage, int decoys) {
        ScriptedBip324Peer p = v2Peer(network);
        p.receiveKey();
        p.sendKey().sendGarbage(garbage).sendHandshakeAfterKey(decoys);
        deliverFromPeer();
        p.receiveGarbage();
        p.receiveVersion();
        return p;
    }

    /** Bytes sent to the peer on this connection that no scripted peer consumed, handed over. */
    public byte[] takeToPeer() {
        byte[] b = toPeer.toByteArray();
        toPeer.reset();
        return b;
    }

    // ---- the engine ---------------------------------------------------------------------------

    /** A read or write failed on one socket. */
    public SessionDriver error(boolean peerSide, String why) {
        return event(() -> session.onError(peerSide, why));
    }

    /** The proxy stops; the drain time has passed. */
    public SessionDriver shutdown() {
        return event(session::onShutdown);
    }

    /** A SOCKS5 client's destination is connected before its first byte. */
    public SessionDriver connectBeforeFirstMessage() {
        return event(session::connectBeforeFirstMessage);
    }

    /** Moves the fake clock; fires the phase timeout if its limit has passed, as an engine tick would. */
    public SessionDriver advance(Duration d) {
        now += d.toNanos();
        Phase phase = session.phase();
        long since = phase == Phase.RELAY ? lastActivityAt : phaseStartedAt;
        Duration limit = switch (phase) {
            case FIRST_MESSAGE -> timeouts.firstMessage();
            case CONNECTING -> timeouts.connect();
            case HANDSHAKE -> timeouts.handshake();
            case RELAY -> timeouts.idle();
            case CLOSED -> null;
        };
        if (limit != null && now - since > limit.toNanos()) {
            event(session::onTimeout);
        }
        return this;
    }

    // ---- observations -------------------------------------------------------------------------

    public ProxySession session() {
        return session;
    }

    public Phase phase() {
        return session.phase();
    }

    /** The session asked the engine to close (flush, then close both sockets). */
    public boolean closed() {
        return closed;
    }

    /** Why the session closed; fails if it is open or closed cleanly. */
    public CloseCause closeCause() {
        if (!closed) {
            throw new AssertionError("the session did not ask to close; phase " + session.phase());
        }
        return session.closeCause().orElseThrow(() -> new AssertionError("closed cleanly, without a cause"));
    }

    /** Why the session closed, which must be of type {@code kind}. */
    public <T extends CloseCause> T closedWith(Class<T> kind) {
        CloseCause cause = closeCause();
        if (!kind.isInstance(cause)) {
            throw new AssertionError("expected a " + kind.getSimpleName() + " close, got " + cause + ": " + cause.describe());
        }
        return kind.cast(cause);
    }

    public List<InetSocketAddress> connects() {
        return List.copyOf(connects);
    }

    /** A connection was asked for and has not been reported established or failed. */
    public boolean awaitingConnect() {
        return connectPending;
    }

    /** A peer connection is established (it may have sent EOF). */
    public boolean peerOpen() {
        return peerOpen;
    }

    /** Every phase the session went through, in order, each change once. */
    public List<Phase> phases() {
        return List.copyOf(phases);
    }

    public boolean peerOutputShut() {
        return peerOutputShut;
    }

    public boolean clientOutputShut() {
        return clientOutputShut;
    }

    /** Client bytes the session has not read (it did not want them). */
    public int clientBytesUnread() {
        return clientPending.size();
    }

    /** Checksum jobs the session handed to the engine. */
    public int checksumJobs() {
        return checksumJobs;
    }

    // ---- SessionActions -------------------------------------------------------------------------

    @Override
    public void sendToClient(ByteBuffer bytes) {
        lastActivityAt = now;
        write(toClient, bytes);
    }

    @Override
    public void sendToPeer(ByteBuffer bytes) {
        if (checksumFailure != null) {
            bytes.position(bytes.limit()); // queued after a failed checksum: dropped with it
            return;
        }
        lastActivityAt = now;
        if (v2Peer != null) {
            byte[] b = new byte[bytes.remaining()];
            bytes.get(b);
            v2Peer.received(b);
        } else {
            write(toPeer, bytes);
        }
    }

    @Override
    public void sendToClientAfter(ByteBuffer bytes, DeferredChecksum checksum) {
        checksumJobs++;
        try {
            checksum.run(); // writing a checksum cannot fail
        } catch (V1ProtocolException e) {
            throw new AssertionError(e);
        }
        sendToClient(bytes);
    }

    @Override
    public void sendToPeerAfter(ByteBuffer bytes, DeferredChecksum check) {
        checksumJobs++;
        if (checksumFailure == null) {
            try {
                check.run();
            } catch (V1ProtocolException e) {
                checksumFailure = e;
            }
        }
        sendToPeer(bytes);
    }

    @Override
    public void connectPeer(InetSocketAddress address) {
        connects.add(address);
        connectPending = true;
        peerOpen = false;
        toPeer.reset();
        peerPending.reset();
        peerEofPending = false;
        v2Peer = null;
    }

    @Override
    public void shutdownPeerOutput() {
        peerOutputShut = true;
    }

    @Override
    public void shutdownClientOutput() {
        clientOutputShut = true;
    }

    @Override
    public void close() {
        closed = true;
    }

    // ---- bookkeeping --------------------------------------------------------------------------

    private SessionDriver event(Runnable e) {
        if (inEvent) {
            throw new IllegalStateException("events do not nest");
        }
        inEvent = true;
        try {
            e.run();
        } finally {
            inEvent = false;
        }
        afterEvent();
        return this;
    }

    /** As the engine after each event: a failed checksum is reported, phase changes restart the clock, reads resume. */
    private void afterEvent() {
        if (checksumFailure != null) {
            V1ProtocolException why = checksumFailure;
            inEvent = true;
            try {
                session.onClientChecksumFailed(why);
            } finally {
                inEvent = false;
                checksumFailure = null;
            }
        }
        if (session.phase() != lastPhase) {
            lastPhase = session.phase();
            phases.add(lastPhase);
            phaseStartedAt = now;
        }
        pump();
    }

    /** Delivers pending bytes and EOFs while the session wants them. */
    private void pump() {
        if (inEvent || pumping) {
            return;
        }
        pumping = true;
        try {
            pumpLoop();
        } finally {
            pumping = false;
        }
    }

    private void pumpLoop() {
        boolean progress = true;
        while (progress && !closed) {
            progress = false;
            if (session.wantsClientBytes() && (clientPending.size() > 0 || clientEofPending)) {
                progress = true;
                if (clientPending.size() > 0) {
                    byte[] chunk = takeChunk(clientPending);
                    lastActivityAt = now;
                    event(() -> session.onClientBytes(ByteBuffer.wrap(chunk)));
                } else {
                    clientEofPending = false;
                    event(session::onClientEof);
                }
            }
            if (session.wantsPeerBytes() && (peerPending.size() > 0 || peerEofPending)) {
                progress = true;
                if (peerPending.size() > 0) {
                    byte[] chunk = takeChunk(peerPending);
                    lastActivityAt = now;
                    event(() -> session.onPeerBytes(ByteBuffer.wrap(chunk)));
                } else {
                    peerEofPending = false;
                    event(session::onPeerEof);
                }
            }
        }
    }

    private byte[] takeChunk(ByteArrayOutputStream pending) {
        byte[] all = pending.toByteArray();
        int n = Math.min(all.length, maxChunk == Integer.MAX_VALUE ? 1 + chunks.nextInt(all.length) : maxChunk);
        pending.reset();
        pending.write(all, n, all.length - n);
        return Arrays.copyOf(all, n);
    }

    private static void write(ByteArrayOutputStream out, ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        out.writeBytes(a);
    }
}
