package org.bip324proxy.relay;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Supplier;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1ProtocolException;
import org.bip324proxy.v2.V2Transport;

/**
 * The proxy's logic for one client connection, sans I/O: the engine reports what happened on the
 * two sockets (bytes, connect results, EOFs, errors, timeouts) and carries out the
 * {@link SessionActions} this object asks for. No sockets, no threads, no clocks.
 *
 * <p>Story of a session: the client's first bytes choose the transport and the destination
 * ({@link FirstMessagePhase}): not v1 → passthrough; v1 → the proxy connects, runs the BIP324
 * handshake as initiator, forwards the (optionally rewritten) VERSION and translates every message
 * both ways. A peer that closes or stays silent instead of answering the handshake may be
 * reconnected and relayed as plain v1 ({@link V1Fallback}); a refusal there is a possible
 * downgrade attack.
 *
 * <p>Phases and allowed transitions:
 * <pre>
 * FIRST_MESSAGE -> CONNECTING   destination known (VERSION read, or not v1 → passthrough)
 * CONNECTING    -> FIRST_MESSAGE connected before the first message ({@link #connectBeforeFirstMessage})
 * CONNECTING    -> HANDSHAKE    connected, transport V2: our key and garbage sent
 * CONNECTING    -> RELAY        connected, transport PASSTHROUGH or V1_FALLBACK
 * HANDSHAKE     -> RELAY        peer's version packet received
 * HANDSHAKE     -> CONNECTING   v1 fallback: peer closed/reset/silent before sending its key
 * any           -> CLOSED       error, timeout, or both sides finished
 * </pre>
 * Every change goes through {@link Phase#moveTo}, which throws for a move this table does not list.
 * The parts: {@link FirstMessagePhase} (sniffer, VERSION, transport and destination), then, once
 * the peer is connected, the transport's {@link TransportRelay} ({@link V2Translation} as
 * initiator, {@link Passthrough}, or {@link V1Fallback}'s start and then passthrough), to which
 * {@link AbstractRelaySession} hands every byte and end.
 */
public final class ProxySession extends AbstractRelaySession {
    /**
     * Payloads this large (blocks, mostly) are hashed for their v1 checksum off the event loop:
     * SHA-256 is the proxy's largest per-byte cost, and the engine can run it on another core
     * while the loop keeps moving bytes.
     */
    public static final int DEFER_CHECKSUMS_FROM = 64 * 1024;

    private final SessionSettings settings;
    private final DestinationPolicy.Listener listener;
    private final FirstMessagePhase firstMessage;

    /** Starts the chosen transport's relay once the peer is connected. */
    private Supplier<TransportRelay> relayStart;
    private V1Fallback fallback;
    private Destination destination;
    private DestinationPolicy.Verdict refusal;
    /** Connected before the client's first message; the transport is chosen on that message. */
    private boolean peerWaiting;

    /**
     * @param redirectDestination the destination the OS reported (SO_ORIGINAL_DST or TPROXY) or the
     *     client named (SOCKS5 CONNECT), if any; the proxy's own address here means the connection
     *     was not redirected
     * @param listener the kind of listener the client came in on (for the destination policy)
     */
    public ProxySession(SessionSettings settings, SessionActions actions, Optional<Destination> redirectDestination,
            DestinationPolicy.Listener listener) {
        super(actions, true);
        this.settings = settings;
        this.listener = listener;
        this.firstMessage = new FirstMessagePhase(settings,
                redirectDestination.filter(d -> !settings.destinationPolicy().ownEndpoints().contains(d.address())));
    }

    /** A SOCKS5 client waits for the reply; its first message then chooses the transport on the open connection. */
    @Override
    public void connectBeforeFirstMessage() {
        destination = firstMessage.connectEarly(phase());
        connect();
    }

    // ---- events from the engine ------------------------------------------------------------

    @Override
    void clientBytesBeforeRelay(ByteBuffer in) {
        if (phase() == Phase.FIRST_MESSAGE) {
            readFirstMessage(in);
        } else {
            firstMessage.hold(in); // connecting: the engine should not read now; keep bytes anyway
        }
    }

    @Override
    public void onPeerConnected() {
        if (phase() != Phase.CONNECTING) {
            return;
        }
        if (relayStart == null) {
            peerWaiting = true;
            moveTo(Phase.FIRST_MESSAGE);
            return;
        }
        relay = relayStart.get();
    }

    @Override
    public void onPeerConnectFailed(String why) {
        close(new CloseCause.ConnectFailed(destination.toString(), why));
    }

    /** The engine has already dropped the message and everything after it. */
    @Override
    public void onClientChecksumFailed(V1ProtocolException failure) {
        close(CloseCause.V1ProtocolError.of(CloseCause.Party.CLIENT, failure, false));
    }

    @Override
    public void onClientEof() {
        sides.markEnded(Sides.Side.V1);
        switch (phase()) {
            case FIRST_MESSAGE, CONNECTING -> close(new CloseCause.ClosedEarly(CloseCause.Party.CLIENT));
            case HANDSHAKE, RELAY -> relay.ended(Sides.Side.V1);
            case CLOSED -> { }
            default -> throw new AssertionError(phase());
        }
    }

    @Override
    public void onPeerEof() {
        sides.markEnded(Sides.Side.V2);
        if (tryV1Fallback("peer closed the connection during the BIP324 handshake")) {
            return;
        }
        switch (phase()) {
            case HANDSHAKE -> close(new CloseCause.ClosedInHandshake(fallbackNote()));
            case RELAY -> relay.ended(Sides.Side.V2);
            case CLOSED -> { }
            default -> sides.finish(Sides.Side.V2); // connected before the client's first message
        }
    }

    @Override
    public void onError(boolean peerSide, String why) {
        if (peerSide && tryV1Fallback("peer failed during the BIP324 handshake: " + why)) {
            return;
        }
        close(new CloseCause.IoError(peerSide ? CloseCause.Party.PEER : CloseCause.Party.CLIENT, why,
                peerSide ? fallbackNote() : new FallbackNote.None()));
    }

    @Override
    public void onTimeout() {
        switch (phase()) {
            case FIRST_MESSAGE, CONNECTING, RELAY -> close(timeout(new FallbackNote.None()));
            case HANDSHAKE -> {
                if (!tryV1Fallback("peer did not answer the BIP324 handshake in time")) {
                    close(timeout(fallbackNote()));
                }
            }
            case CLOSED -> { }
            default -> throw new AssertionError(phase());
        }
    }

    private CloseCause timeout(FallbackNote note) {
        return new CloseCause.Timeout(Direction.OUTBOUND, phase(), destination == null ? "" : destination.toString(), note);
    }

    private FallbackNote fallbackNote() {
        return fallback == null ? new FallbackNote.None() : fallback.note(phase() == Phase.HANDSHAKE);
    }

    // ---- first message, destination, transport --------------------------------------------

    private void readFirstMessage(ByteBuffer in) {
        FirstMessagePhase.Result result = firstMessage.read(in);
        if (result instanceof FirstMessagePhase.Refused refused) {
            close(refused.cause());
        } else if (result instanceof FirstMessagePhase.Chosen chosen) {
            destination = chosen.destination();
            start(chosen.transport(), chosen.transport() == Transport.V2 ? this::startV2 : () -> {
                moveTo(Phase.RELAY);
                return Passthrough.start(sides, Sides.Side.V1, firstMessage.held());
            });
        }
    }

    /** The transport is chosen: {@code relayStart} makes its relay once the peer is connected. */
    private void start(Transport chosen, Supplier<TransportRelay> relayStart) {
        choose(chosen);
        this.relayStart = relayStart;
        connect();
    }

    /** Connects to {@link #destination} if the destination policy allows it, else closes naming the rule. */
    private void connect() {
        DestinationPolicy.Verdict verdict = settings.destinationPolicy().check(destination, firstMessage.network(), listener);
        if (!verdict.allowed()) {
            refusal = verdict;
            close(new CloseCause.DestinationRefused(destination, verdict));
            return;
        }
        moveTo(Phase.CONNECTING);
        if (peerWaiting) {
            peerWaiting = false;
            onPeerConnected();
        } else {
            actions.connectPeer(destination.address());
        }
    }

    /** BIP324 as initiator: our key and garbage go at once, the client's VERSION once the peer's key is in. */
    private TransportRelay startV2() {
        Network network = firstMessage.network().orElseThrow();
        V2Transport v2 = V2Transport.create(V2Transport.Role.INITIATOR, network.magic(), settings.rng(),
                settings.aeadBackend(), V2ToV1.RECEIVE_HEADROOM);
        moveTo(Phase.HANDSHAKE);
        V2Translation translation = new V2Translation(v2, network, firstMessage.decoder(), firstMessage.versionForV2(),
                firstMessage.held(), sides, new V2Translation.Events() {
                    @Override
                    public void handshakeComplete() {
                        if (phase() == Phase.HANDSHAKE) {
                            // Only now is the session id confirmed: the peer's terminator and version packet decrypted.
                            stats.sessionId = ((V2Translation) relay).sessionIdHex();
                            moveTo(Phase.RELAY);
                            settings.v1Fallback().known().learn(destination.address(), KnownV2Peers.Evidence.HANDSHAKE);
                        }
                    }

                    @Override
                    public void frameToV1(String command, ByteBuffer frame) {
                        settings.v1Fallback().known().learnFromAddr(command, frame);
                    }
                });
        relay = translation;
        fallback = new V1Fallback(settings, stats, destination, translation);
        translation.start();
        return translation;
    }

    /** The peer may be a v1-only node: reconnect and relay plain v1 if {@link V1Fallback} allows it. */
    private boolean tryV1Fallback(String why) {
        if (phase() != Phase.HANDSHAKE || !fallback.decide(why)) {
            return false;
        }
        relay.destroy();
        relay = null;
        sides.reopenV2();
        start(Transport.V1_FALLBACK, () -> {
            moveTo(Phase.RELAY);
            return V1Fallback.start(sides, firstMessage.network().orElseThrow(), firstMessage.versionPayload(),
                    firstMessage.held());
        });
        return true;
    }

    // ---- state for the engine and logs -----------------------------------------------------

    @Override
    public Optional<Destination> destination() {
        return Optional.ofNullable(destination);
    }

    @Override
    public Optional<Network> network() {
        return firstMessage.network();
    }

    @Override
    public Optional<DestinationPolicy.Verdict> refusal() {
        return Optional.ofNullable(refusal).or(() -> fallback == null ? Optional.empty() : fallback.refusal());
    }

    /** Kept client bytes, the client's partial v1 message and the peer's partial BIP324 packet. */
    @Override
    public long bufferedBytes() {
        return relay != null ? relay.bufferedBytes() : firstMessage.bufferedBytes();
    }
}
