package org.bip324proxy.relay;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bip324proxy.bytes.Endian;
import org.bip324proxy.v1.AddrMessages;
import org.bip324proxy.v1.DeferredChecksum;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameDecoder;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v1.V1Protocol;
import org.bip324proxy.v1.V1ProtocolException;
import org.bip324proxy.v1.V1Sniffer;
import org.bip324proxy.v1.VersionMessage;
import org.bip324proxy.v2.PacketCipher;
import org.bip324proxy.v2.V2Packet;
import org.bip324proxy.v2.V2ProtocolException;
import org.bip324proxy.v2.V2Transport;

/**
 * The proxy's logic for one client connection, sans I/O: the engine reports what happened on the
 * two sockets (bytes, connect results, EOFs, errors, timeouts) and carries out the
 * {@link SessionActions} this object asks for. No sockets, no threads, no clocks.
 *
 * <p>Story of a session: the client's first bytes are sniffed. Not v1 → the stream is passed
 * through untouched to the original destination (if known). v1 → its first message must be
 * VERSION, whose magic fixes the network; the destination is the redirect's original destination
 * or VERSION's addr_recv. The proxy connects, runs the BIP324 handshake as initiator, forwards the
 * (optionally rewritten) VERSION and translates every message both ways. A peer that closes or
 * stays silent instead of answering the handshake may be reconnected and relayed as plain v1, as
 * {@link V1FallbackPolicy} decides; a refusal there is a possible downgrade attack.
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
 */
public final class ProxySession implements RelaySession {
    /** Where the session is; the engine arms the matching timeout. */
    public enum Phase {
        FIRST_MESSAGE, CONNECTING, HANDSHAKE, RELAY, CLOSED;

        /** The name in logs, the status document and metrics: {@code first_message}. */
        public String logName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What is spoken to the peer. */
    public enum Transport {
        V2, PASSTHROUGH, V1_FALLBACK;

        /** The name in logs, the status document and metrics: {@code v1_fallback}. */
        public String logName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Payloads this large (blocks, mostly) are hashed for their v1 checksum off the event loop:
     * SHA-256 is the proxy's largest per-byte cost, and the engine can run it on another core
     * while the loop keeps moving bytes.
     */
    public static final int DEFER_CHECKSUMS_FROM = 64 * 1024;

    private static final byte[] VERSION_COMMAND = Arrays.copyOf(
            VersionMessage.COMMAND.getBytes(java.nio.charset.StandardCharsets.US_ASCII), V1Protocol.COMMAND_SIZE);

    private final SessionSettings settings;
    private final SessionActions actions;
    private final Optional<Destination> redirectDestination;
    private final DestinationPolicy.Listener listener;
    private final SessionStats stats = new SessionStats();

    private Phase phase = Phase.FIRST_MESSAGE;
    private Transport transport;
    private Destination destination;
    private Network network;
    private CloseCause closeCause;
    private DestinationPolicy.Verdict refusal;

    /**
     * Client bytes held until the peer is ready: the first bytes until the sniffer's verdict, then
     * what arrived after VERSION in the read that completed it (the engine reads no more until
     * then), so at most one read.
     */
    private byte[] backlog = new byte[V1Sniffer.BYTES_FOR_VERDICT];
    private int backlogLen;
    private VersionMessage version;
    private byte[] versionPayloadToSend;

    private V2Transport v2;
    private V1FrameDecoder clientDecoder;
    private V1ToV2 toPeer;
    private V2ToV1 toClient;
    private boolean versionSent;
    /** Connected before the client's first message; the transport is chosen on that message. */
    private boolean peerWaiting;
    private long peerBytesBeforeKey;
    private boolean clientEof;
    private boolean peerEof;

    /**
     * @param redirectDestination the destination the OS reported (SO_ORIGINAL_DST or TPROXY) or the
     *     client named (SOCKS5 CONNECT), if any; the proxy's own address here means the connection
     *     was not redirected
     * @param listener the kind of listener the client came in on (for the destination policy)
     */
    public ProxySession(SessionSettings settings, SessionActions actions, Optional<Destination> redirectDestination,
            DestinationPolicy.Listener listener) {
        this.settings = settings;
        this.actions = actions;
        this.redirectDestination = redirectDestination.filter(d -> !settings.destinationPolicy().ownEndpoints().contains(d.address()));
        this.listener = listener;
    }

    /**
     * Connects to the known destination before the client's first message: a SOCKS5 client names
     * its destination and sends nothing until the proxy replies that it is connected. The first
     * message then chooses the transport on the open connection (v1 → BIP324, else passthrough).
     */
    public void connectBeforeFirstMessage() {
        if (phase != Phase.FIRST_MESSAGE || redirectDestination.isEmpty()) {
            throw new IllegalStateException("no known destination to connect to in phase " + phase);
        }
        destination = redirectDestination.get();
        connect();
    }

    // ---- events from the engine ------------------------------------------------------------

    /** Bytes read from the client; {@code in} is fully consumed (copied where kept). */
    public void onClientBytes(ByteBuffer in) {
        stats.clientBytesIn += in.remaining();
        switch (phase) {
            case FIRST_MESSAGE -> readFirstMessage(in);
            case CONNECTING -> appendBacklog(in); // engine should not read now; keep bytes anyway
            case HANDSHAKE, RELAY -> {
                if (transport == Transport.V2 && !versionSent) {
                    appendBacklog(in);
                } else if (transport == Transport.V2) {
                    translateClientBytes(in);
                } else {
                    forwardRaw(in, true);
                }
            }
            case CLOSED -> in.position(in.limit());
            default -> throw new AssertionError(phase);
        }
    }

    /** The connection requested by {@link SessionActions#connectPeer} is established. */
    public void onPeerConnected() {
        if (phase != Phase.CONNECTING) {
            return;
        }
        if (transport == null) {
            peerWaiting = true;
            phase = Phase.FIRST_MESSAGE;
            return;
        }
        switch (transport) {
            case V2 -> {
                v2 = V2Transport.create(V2Transport.Role.INITIATOR, network.magic(), settings.rng(),
                        settings.aeadBackend(), V2ToV1.RECEIVE_HEADROOM);
                toPeer = new V1ToV2(v2);
                toClient = new V2ToV1(new V1FrameEncoder(network), DEFER_CHECKSUMS_FROM);
                phase = Phase.HANDSHAKE;
                flushHandshakeOutput();
            }
            case PASSTHROUGH -> {
                phase = Phase.RELAY;
                sendBacklogRaw();
            }
            case V1_FALLBACK -> {
                phase = Phase.RELAY;
                byte[] payload = versionPayloadToSend;
                sendToPeer(ByteBuffer.wrap(new V1FrameEncoder(network).frame(VersionMessage.COMMAND, payload)));
                stats.v1MessageToPeer(VersionMessage.COMMAND);
                sendBacklogRaw();
            }
            default -> throw new AssertionError(transport);
        }
    }

    /** Connecting to the destination failed. */
    public void onPeerConnectFailed(String why) {
        close(new CloseCause.ConnectFailed(destination.toString(), why));
    }

    /** Bytes read from the peer; {@code in} is fully consumed. */
    public void onPeerBytes(ByteBuffer in) {
        stats.peerBytesIn += in.remaining();
        if (phase == Phase.CLOSED) {
            in.position(in.limit());
            return;
        }
        if (transport != Transport.V2) {
            forwardRaw(in, false);
            return;
        }
        if (!v2.canSend()) {
            peerBytesBeforeKey += in.remaining();
        }
        try {
            V2Packet packet;
            while ((packet = v2.receive(in)) != null) {
                ByteBuffer frame = toClient.translate(packet);
                if (frame != null) {
                    learnFromAddr(toClient.lastCommand(), frame);
                    stats.v2MessageToClient(toClient.lastCommand(), frame.remaining(), PacketCipher.EXPANSION + packet.length());
                    DeferredChecksum checksum = toClient.pendingChecksum();
                    if (checksum != null) {
                        sendToClientAfter(frame, checksum);
                    } else {
                        sendToClient(frame);
                    }
                }
            }
            stats.decoysReceived = v2.decoysReceived();
            stats.unknownShortIds = toClient.unknownShortIds();
            stats.malformedTypes = toClient.malformedTypes();
            flushHandshakeOutput();
            if (phase == Phase.HANDSHAKE && v2.isHandshakeComplete()) {
                // Only now is the session id confirmed: the peer's terminator and version packet decrypted.
                stats.sessionId = HexFormat.of().formatHex(v2.sessionId());
                phase = Phase.RELAY;
                settings.v1Fallback().known().learn(destination.address(), KnownV2Peers.Evidence.HANDSHAKE);
            }
        } catch (V2ProtocolException e) {
            close(CloseCause.V2ProtocolError.of(e));
        } catch (V2ToV1.OversizedPayloadException e) {
            close(e.cause());
        }
    }

    /**
     * A client message whose checksum was left to the engine ({@link SessionActions#sendToPeerAfter})
     * failed it; the engine has already dropped it and everything after it.
     */
    public void onClientChecksumFailed(V1ProtocolException failure) {
        close(CloseCause.V1ProtocolError.of(CloseCause.Party.CLIENT, failure, false));
    }

    /** The client closed its sending side (EOF). */
    public void onClientEof() {
        clientEof = true;
        if (phase == Phase.FIRST_MESSAGE || phase == Phase.CONNECTING || (phase == Phase.HANDSHAKE && !versionSent)) {
            close(new CloseCause.ClosedEarly(CloseCause.Party.CLIENT));
            return;
        }
        if (clientDecoder != null && !clientDecoder.atMessageBoundary()) {
            close(new CloseCause.Truncated(CloseCause.Party.CLIENT));
            return;
        }
        finishOrHalfClose(true);
    }

    /** The peer closed its sending side (EOF). */
    public void onPeerEof() {
        peerEof = true;
        if (tryV1Fallback("peer closed the connection during the BIP324 handshake")) {
            return;
        }
        if (phase == Phase.HANDSHAKE) {
            close(new CloseCause.ClosedInHandshake(fallbackNote()));
            return;
        }
        if (transport == Transport.V2 && !v2.atPacketBoundary()) {
            close(new CloseCause.Truncated(CloseCause.Party.PEER));
            return;
        }
        finishOrHalfClose(false);
    }

    /** Reading from or writing to a socket failed (e.g. connection reset). */
    public void onError(boolean peerSide, String why) {
        if (peerSide && tryV1Fallback("peer failed during the BIP324 handshake: " + why)) {
            return;
        }
        close(new CloseCause.IoError(peerSide ? CloseCause.Party.PEER : CloseCause.Party.CLIENT, why,
                peerSide ? fallbackNote() : new FallbackNote.None()));
    }

    /** The engine's timer for the current phase expired. */
    public void onTimeout() {
        switch (phase) {
            case FIRST_MESSAGE, CONNECTING, RELAY -> close(timeout(new FallbackNote.None()));
            case HANDSHAKE -> {
                if (!tryV1Fallback("peer did not answer the BIP324 handshake in time")) {
                    close(timeout(fallbackNote()));
                }
            }
            case CLOSED -> { }
            default -> throw new AssertionError(phase);
        }
    }

    private CloseCause timeout(FallbackNote note) {
        return new CloseCause.Timeout(Direction.OUTBOUND, phase, destination == null ? "" : destination.toString(), note);
    }

    /** A peer that closes, resets or stays silent before its key may be a v1-only node, or an attacker. */
    private FallbackNote fallbackNote() {
        if (refusal != null && phase == Phase.HANDSHAKE) {
            return new FallbackNote.NotAllowed(refusal);
        }
        if (stats.downgradeRefused != null) {
            return new FallbackNote.Refused(stats.downgradeRefused);
        }
        return phase == Phase.HANDSHAKE && peerBytesBeforeKey < V2Transport.KEY_LEN
                ? new FallbackNote.MaybeV1Only() : new FallbackNote.None();
    }

    /** The proxy is shutting down and the grace period for draining has passed. */
    public void onShutdown() {
        close(new CloseCause.Shutdown());
    }

    // ---- first message ---------------------------------------------------------------------

    /**
     * Sniffs the first bytes, then feeds the client's decoder until VERSION is complete. The
     * decoder is created once and keeps its partial state, so a client dripping its VERSION byte
     * by byte costs constant work per byte; the announced length is checked against
     * {@code maxVersionSize} before any payload is buffered.
     */
    private void readFirstMessage(ByteBuffer in) {
        if (clientDecoder == null) {
            appendBacklog(in);
            V1Sniffer.Result sniff = V1Sniffer.sniff(ByteBuffer.wrap(backlog, 0, backlogLen));
            switch (sniff.verdict()) {
                case NEED_MORE -> { }
                case NOT_V1 -> startPassthrough(sniff.reason());
                case V1 -> startVersion(sniff.network().orElseThrow());
                default -> throw new AssertionError(sniff.verdict());
            }
            return;
        }
        readVersion(in);
    }

    private void startPassthrough(String why) {
        if (redirectDestination.isEmpty()) {
            close(new CloseCause.NoDestination(CloseCause.NoDestination.Why.NOT_V1_AND_NOT_REDIRECTED, why));
            return;
        }
        destination = redirectDestination.get();
        transport = Transport.PASSTHROUGH;
        connect();
    }

    /** The sniffed header is v1: check network, command and size, then decode what is buffered. */
    private void startVersion(Network detected) {
        Optional<Network> accepted = settings.networks().stream().filter(n -> Arrays.equals(n.magic(), detected.magic())).findFirst();
        if (accepted.isEmpty()) {
            close(new CloseCause.NetworkNotAccepted(detected.magicHex(), detected.name(), acceptedNames()));
            return;
        }
        network = accepted.get();
        if (!Arrays.equals(backlog, V1Protocol.COMMAND_OFFSET, V1Protocol.COMMAND_OFFSET + V1Protocol.COMMAND_SIZE,
                VERSION_COMMAND, 0, VERSION_COMMAND.length)) {
            close(new CloseCause.NotVersion(V1Protocol.parseCommand(backlog, V1Protocol.COMMAND_OFFSET)));
            return;
        }
        long announced = Integer.toUnsignedLong(Endian.le32(backlog, V1Protocol.LENGTH_OFFSET));
        if (announced > settings.maxVersionSize()) {
            close(new CloseCause.VersionTooLarge(announced, settings.maxVersionSize()));
            return;
        }
        clientDecoder = new V1FrameDecoder(network, V1ToV2.HEADROOM, V1ToV2.TAILROOM);
        ByteBuffer buffered = ByteBuffer.wrap(backlog, 0, backlogLen);
        backlog = new byte[0];
        backlogLen = 0;
        readVersion(buffered);
    }

    /** Feeds {@code in} to the decoder; once VERSION is complete, what follows it is kept. */
    private void readVersion(ByteBuffer in) {
        V1Message message;
        try {
            message = clientDecoder.next(in);
            if (message == null) {
                return;
            }
            version = VersionMessage.parse(message);
        } catch (V1ProtocolException e) {
            close(CloseCause.V1ProtocolError.of(CloseCause.Party.CLIENT, e, true));
            return;
        }
        appendBacklog(in);
        clientDecoder.deferChecksumsFrom(DEFER_CHECKSUMS_FROM);
        versionPayloadToSend = settings.userAgentSuffix()
                .map(suffix -> version.appendUserAgentSuffix(suffix).payload())
                .orElseGet(version::payload);
        Optional<Destination> dest = chooseDestination();
        if (dest.isEmpty()) {
            return;
        }
        destination = dest.get();
        transport = Transport.V2;
        connect();
    }

    private Optional<Destination> chooseDestination() {
        if (peerWaiting) {
            return Optional.of(destination);
        }
        SessionSettings.DestinationMode mode = settings.destinationMode();
        if (mode != SessionSettings.DestinationMode.ADDR_RECV && redirectDestination.isPresent()) {
            return redirectDestination;
        }
        if (mode == SessionSettings.DestinationMode.ORIGINAL_DST || mode == SessionSettings.DestinationMode.TPROXY) {
            close(new CloseCause.NoDestination(CloseCause.NoDestination.Why.NOT_REDIRECTED, mode.cliName()));
            return Optional.empty();
        }
        Optional<InetSocketAddress> addrRecv = version.addrRecv();
        if (addrRecv.isEmpty()) {
            close(new CloseCause.NoDestination(CloseCause.NoDestination.Why.EMPTY_ADDR_RECV, ""));
            return Optional.empty();
        }
        return Optional.of(new Destination(addrRecv.get(), Destination.Source.ADDR_RECV));
    }

    /** Connects to {@link #destination} if the destination policy allows it, else closes naming the rule. */
    private void connect() {
        DestinationPolicy.Verdict verdict = settings.destinationPolicy().check(destination, Optional.ofNullable(network), listener);
        if (!verdict.allowed()) {
            refusal = verdict;
            close(new CloseCause.DestinationRefused(destination, verdict));
            return;
        }
        phase = Phase.CONNECTING;
        if (peerWaiting) {
            peerWaiting = false;
            onPeerConnected();
        } else {
            actions.connectPeer(destination.address());
        }
    }

    private boolean tryV1Fallback(String why) {
        if (phase != Phase.HANDSHAKE) {
            return false;
        }
        V1FallbackPolicy.Decision d = settings.v1Fallback().decide(destination.address(), peerBytesBeforeKey, stats.peerBytesOut);
        if (d.outcome() != V1FallbackPolicy.Outcome.FALLBACK) {
            stats.downgradeRefused = d.reason();
            return false;
        }
        DestinationPolicy.Verdict verdict = settings.destinationPolicy().checkV1Fallback(destination);
        if (!verdict.allowed()) {
            refusal = verdict;
            return false;
        }
        v2.destroy();
        v2 = null;
        transport = Transport.V1_FALLBACK;
        peerEof = false;
        stats.v1FallbackReason = why;
        connect();
        return true;
    }

    /** addr/addrv2 entries with NODE_P2P_V2 are remembered as a hint (BIP324 "Signaling"). */
    private void learnFromAddr(String command, ByteBuffer frame) {
        if (AddrMessages.isAddr(command)) {
            ByteBuffer payload = frame.duplicate().position(frame.position() + V1Protocol.HEADER_SIZE);
            AddrMessages.v2Capable(command, payload)
                    .forEach(a -> settings.v1Fallback().known().learn(a, KnownV2Peers.Evidence.ADVERTISED));
        }
    }

    // ---- relaying --------------------------------------------------------------------------

    private void flushHandshakeOutput() {
        byte[] out = v2.takeOutput();
        if (out.length > 0) {
            sendToPeer(ByteBuffer.wrap(out));
        }
        if (!versionSent && v2.canSend()) {
            versionSent = true;
            byte[] payload = versionPayloadToSend;
            byte[] framed = new byte[V1ToV2.HEADROOM + payload.length + V1ToV2.TAILROOM];
            System.arraycopy(payload, 0, framed, V1ToV2.HEADROOM, payload.length);
            sendV2ToPeer(new V1Message(VersionMessage.COMMAND, framed, V1ToV2.HEADROOM, payload.length));
            ByteBuffer rest = ByteBuffer.wrap(backlog, 0, backlogLen);
            backlog = null;
            translateClientBytes(rest);
        }
    }

    private void translateClientBytes(ByteBuffer in) {
        try {
            V1Message m;
            while ((m = clientDecoder.next(in)) != null) {
                sendV2ToPeer(m);
            }
        } catch (V1ProtocolException e) {
            close(CloseCause.V1ProtocolError.of(CloseCause.Party.CLIENT, e, false));
        }
    }

    private void sendV2ToPeer(V1Message m) {
        String command = m.command();
        int v1Bytes = V1Protocol.HEADER_SIZE + m.length();
        ByteBuffer packet = toPeer.translate(m);
        stats.v2MessageToPeer(command, v1Bytes, packet.remaining());
        Optional<DeferredChecksum> check = m.unverifiedChecksum();
        if (check.isPresent()) {
            sendToPeerAfter(packet, check.get());
        } else {
            sendToPeer(packet);
        }
    }

    private void forwardRaw(ByteBuffer in, boolean fromClient) {
        ByteBuffer copy = ByteBuffer.allocate(in.remaining());
        copy.put(in).flip();
        if (fromClient) {
            sendToPeer(copy);
        } else {
            sendToClient(copy);
        }
    }

    private void sendBacklogRaw() {
        if (backlogLen > 0) {
            sendToPeer(ByteBuffer.wrap(Arrays.copyOf(backlog, backlogLen)));
        }
        backlog = null;
    }

    private void finishOrHalfClose(boolean client) {
        if (clientEof && peerEof) {
            close(null);
        } else if (client) {
            actions.shutdownPeerOutput();
        } else {
            actions.shutdownClientOutput();
        }
    }

    private void appendBacklog(ByteBuffer in) {
        int n = in.remaining();
        if (backlogLen + n > backlog.length) {
            backlog = Arrays.copyOf(backlog, Math.max(backlog.length * 2, backlogLen + n));
        }
        in.get(backlog, backlogLen, n);
        backlogLen += n;
    }

    private void sendToPeer(ByteBuffer b) {
        stats.peerBytesOut += b.remaining();
        actions.sendToPeer(b);
    }

    private void sendToClient(ByteBuffer b) {
        stats.clientBytesOut += b.remaining();
        actions.sendToClient(b);
    }

    private void sendToPeerAfter(ByteBuffer b, DeferredChecksum check) {
        stats.peerBytesOut += b.remaining();
        actions.sendToPeerAfter(b, check);
    }

    private void sendToClientAfter(ByteBuffer b, DeferredChecksum checksum) {
        stats.clientBytesOut += b.remaining();
        actions.sendToClientAfter(b, checksum);
    }

    /** Closes with {@code cause}; null for a clean close (both sides finished). */
    private void close(CloseCause cause) {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        closeCause = cause;
        if (v2 != null) {
            v2.destroy();
        }
        actions.close();
    }

    private String acceptedNames() {
        return settings.networks().stream().map(Network::name).collect(Collectors.joining(", "));
    }

    // ---- state for the engine and logs -----------------------------------------------------

    public Phase phase() {
        return phase;
    }

    /** Whether the engine should read from the client now (besides its own backpressure). */
    public boolean wantsClientBytes() {
        return switch (phase) {
            case FIRST_MESSAGE, RELAY -> !clientEof;
            case HANDSHAKE -> versionSent && !clientEof;
            default -> false;
        };
    }

    /** Whether the engine should read from the peer now. */
    public boolean wantsPeerBytes() {
        return (phase == Phase.HANDSHAKE || phase == Phase.RELAY) && !peerEof;
    }

    public Optional<Transport> transport() {
        return Optional.ofNullable(transport);
    }

    public Optional<Destination> destination() {
        return Optional.ofNullable(destination);
    }

    public Optional<Network> network() {
        return Optional.ofNullable(network);
    }

    /** Why the session closed; empty while open or after a clean close by both sides. */
    public Optional<CloseCause> closeCause() {
        return Optional.ofNullable(closeCause);
    }

    /** The destination-policy verdict that refused a connection or the v1 fallback, if one did. */
    public Optional<DestinationPolicy.Verdict> refusal() {
        return Optional.ofNullable(refusal);
    }

    public SessionStats stats() {
        return stats;
    }

    /**
     * Heap this session holds for input not yet passed on: kept client bytes, the client's partial
     * v1 message and the peer's partial BIP324 packet (what the engine counts against the budget).
     */
    public long bufferedBytes() {
        return (backlog == null ? 0 : backlog.length)
                + (clientDecoder == null ? 0 : clientDecoder.bufferedBytes())
                + (v2 == null ? 0 : v2.bufferedBytes());
    }
}
