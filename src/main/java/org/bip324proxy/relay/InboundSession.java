package org.bip324proxy.relay;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Optional;
import org.bip324proxy.v1.DeferredChecksum;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameDecoder;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v1.V1Protocol;
import org.bip324proxy.v1.V1ProtocolException;
import org.bip324proxy.v2.PacketCipher;
import org.bip324proxy.v2.V2Packet;
import org.bip324proxy.v2.V2ProtocolException;
import org.bip324proxy.v2.V2Transport;

/**
 * Inbound mode, sans I/O: a stranger connected to the proxy, which stands in front of the
 * operator's v1-only node and answers BIP324 for it. The "client" is the stranger, the "peer" the
 * node.
 *
 * <p>Story of a session: the stranger's first bytes go into a BIP324 responder, which stays silent
 * while they match the network's v1 VERSION prefix (magic ‖ "version" ‖ 5 NULs, as Bitcoin Core's
 * responder does). All 16 match → a v1 peer: the node is dialled and every byte is relayed
 * untouched. A byte differs → a v2 peer: the responder answers at once (key, garbage; terminator
 * and version packet once the stranger's key is in), the node is dialled, and from then on every
 * packet becomes a v1 frame for the node and every node frame a packet, byte-exact, decoys dropped.
 *
 * <p>Phases and allowed transitions:
 * <pre>
 * FIRST_MESSAGE -> CONNECTING   v1 prefix complete, or a byte differs (v2: our key is sent)
 * CONNECTING    -> HANDSHAKE    node connected, v2, the stranger's version packet not yet in
 * CONNECTING    -> RELAY        node connected: v1, or v2 with the handshake already complete
 * HANDSHAKE     -> RELAY        the stranger's version packet received
 * any           -> CLOSED       error, timeout, or both sides finished
 * </pre>
 * The stranger is not read while the node is being dialled; what was already decrypted waits in
 * the node's queue. Statistics follow {@link TrafficStats}: its v1 ("client") counters are the
 * node's socket here, its v2 ("peer") counters the stranger's.
 */
public final class InboundSession implements RelaySession {
    private final SessionActions actions;
    private final Destination node;
    private final Network network;
    private final V2Transport v2;
    private final Optional<AdvertiseV2> advertiseV2;
    private final SessionStats stats = new SessionStats();

    private ProxySession.Phase phase = ProxySession.Phase.FIRST_MESSAGE;
    private ProxySession.Transport transport;
    private CloseCause closeCause;
    /** Bytes of the stranger that matched the v1 prefix so far (at most 16). */
    private int prefixSeen;
    /** v1 stranger: its bytes held until the node is connected. */
    private ByteBuffer v1Backlog;

    private V2ToV1 toNode;
    private V1ToV2 toStranger;
    private V1FrameDecoder nodeDecoder;
    private boolean strangerEof;
    private boolean nodeEof;

    /**
     * @param network the node's network, set by the operator (never guessed from the stranger)
     * @param node the operator's node
     * @param local the address the stranger reached (the node's own address, as announced)
     */
    public InboundSession(InboundSettings settings, InetSocketAddress node, InetSocketAddress local, SessionActions actions) {
        this(node, actions, settings.network(), V2Transport.create(V2Transport.Role.RESPONDER,
                settings.network().magic(), settings.rng(), settings.aeadBackend(), V2ToV1.RECEIVE_HEADROOM),
                settings.advertiseV2() ? Optional.of(new AdvertiseV2(local.getAddress())) : Optional.empty());
    }

    /** With a given responder (its receive headroom must be {@link V2ToV1#RECEIVE_HEADROOM}). */
    InboundSession(InetSocketAddress node, SessionActions actions, Network network, V2Transport responder,
            Optional<AdvertiseV2> advertiseV2) {
        if (responder.role() != V2Transport.Role.RESPONDER) {
            throw new IllegalArgumentException("an inbound session answers: it needs a responder");
        }
        this.actions = actions;
        this.node = new Destination(node, Destination.Source.CONFIGURED);
        this.network = network;
        this.v2 = responder;
        this.advertiseV2 = advertiseV2;
    }

    // ---- the stranger ------------------------------------------------------------------------

    @Override
    public void onClientBytes(ByteBuffer in) {
        stats.peerBytesIn += in.remaining();
        if (phase == ProxySession.Phase.CLOSED) {
            in.position(in.limit());
        } else if (transport == ProxySession.Transport.PASSTHROUGH && phase == ProxySession.Phase.CONNECTING) {
            v1Backlog = ByteBuffer.allocate(v1Backlog.remaining() + in.remaining()).put(v1Backlog).put(in).flip();
        } else if (transport == ProxySession.Transport.PASSTHROUGH) {
            sendToNode(copy(in));
        } else {
            receiveFromStranger(in);
        }
    }

    private void receiveFromStranger(ByteBuffer in) {
        try {
            if (transport == null && !detect(in)) {
                return;
            }
            V2Packet packet;
            while ((packet = v2.receive(in)) != null) {
                packetToNode(packet);
            }
            stats.decoysReceived = v2.decoysReceived();
            stats.unknownShortIds = toNode.unknownShortIds();
            stats.malformedTypes = toNode.malformedTypes();
            byte[] out = v2.takeOutput();
            if (out.length > 0) {
                sendToStranger(ByteBuffer.wrap(out));
            }
            if (v2.canSend() && stats.sessionId == null) {
                stats.sessionId = HexFormat.of().formatHex(v2.sessionId());
            }
            if (phase == ProxySession.Phase.HANDSHAKE && v2.isHandshakeComplete()) {
                phase = ProxySession.Phase.RELAY;
            }
        } catch (V2ProtocolException e) {
            in.position(in.limit());
            close(CloseCause.V2ProtocolError.of(e));
        } catch (V2ToV1.OversizedPayloadException e) {
            in.position(in.limit());
            close(e.cause());
        }
    }

    /**
     * Feeds the responder no more than the rest of the 16-byte v1 prefix, so the verdict comes
     * before any packet. Returns true once the stranger is known v2 (our answer is queued and the
     * rest of {@code in} continues its handshake); false while all bytes so far match (then
     * {@code in} is used up) or after the stranger turned out v1.
     */
    private boolean detect(ByteBuffer in) throws V2ProtocolException {
        int n = Math.min(V2Transport.V1_PREFIX_LEN - prefixSeen, in.remaining());
        v2.receive(in.slice(in.position(), n)); // takes all n bytes: a mismatch goes on into the key
        in.position(in.position() + n);
        prefixSeen += n;
        if (v2.isV1()) {
            startV1(in);
            return false;
        }
        byte[] answer = v2.takeOutput();
        if (answer.length == 0) {
            return false;
        }
        sendToStranger(ByteBuffer.wrap(answer));
        startV2();
        return true;
    }

    /** The 16-byte v1 prefix matched: the stranger speaks v1 of our network (Core: V2Transport::ProcessReceivedMaybeV1Bytes). */
    private void startV1(ByteBuffer rest) {
        transport = ProxySession.Transport.PASSTHROUGH;
        byte[] prefix = v2.v1Prefix();
        v1Backlog = ByteBuffer.allocate(prefix.length + rest.remaining());
        v1Backlog.put(prefix).put(rest).flip();
        v2.destroy();
        connectNode();
    }

    private void startV2() {
        transport = ProxySession.Transport.V2;
        toNode = new V2ToV1(new V1FrameEncoder(network), ProxySession.DEFER_CHECKSUMS_FROM);
        toStranger = new V1ToV2(v2);
        connectNode();
    }

    private void connectNode() {
        phase = ProxySession.Phase.CONNECTING;
        actions.connectPeer(node.address());
    }

    private void packetToNode(V2Packet packet) throws V2ToV1.OversizedPayloadException {
        ByteBuffer frame = toNode.translate(packet);
        if (frame == null) {
            return;
        }
        stats.v2MessageToClient(toNode.lastCommand(), frame.remaining(), PacketCipher.EXPANSION + packet.length());
        DeferredChecksum checksum = toNode.pendingChecksum();
        stats.clientBytesOut += frame.remaining();
        if (checksum != null) {
            actions.sendToPeerAfter(frame, checksum); // writes a checksum: never fails
        } else {
            actions.sendToPeer(frame);
        }
    }

    // ---- the node ----------------------------------------------------------------------------

    @Override
    public void onPeerConnected() {
        if (phase != ProxySession.Phase.CONNECTING) {
            return;
        }
        if (transport == ProxySession.Transport.PASSTHROUGH) {
            phase = ProxySession.Phase.RELAY;
            sendToNode(v1Backlog);
            v1Backlog = null;
        } else {
            phase = v2.isHandshakeComplete() ? ProxySession.Phase.RELAY : ProxySession.Phase.HANDSHAKE;
        }
        if (strangerEof) {
            onClientEof();
        }
    }

    @Override
    public void onPeerConnectFailed(String why) {
        close(new CloseCause.ConnectFailed("the node " + node, why));
    }

    @Override
    public void onPeerBytes(ByteBuffer in) {
        stats.clientBytesIn += in.remaining();
        if (phase == ProxySession.Phase.CLOSED) {
            in.position(in.limit());
        } else if (transport == ProxySession.Transport.PASSTHROUGH) {
            sendToStranger(copy(in));
        } else {
            translateNodeBytes(in);
        }
    }

    /**
     * Node frames become packets. Their checksums are verified here, on the loop: the engine can
     * only defer checksums of the accepted side's messages.
     */
    private void translateNodeBytes(ByteBuffer in) {
        if (nodeDecoder == null) {
            nodeDecoder = new V1FrameDecoder(network, V1ToV2.HEADROOM, V1ToV2.TAILROOM);
        }
        try {
            V1Message m;
            while ((m = nodeDecoder.next(in)) != null) {
                if (advertiseV2.isPresent()) {
                    m = advertiseV2.get().rewrite(m);
                }
                int v1Bytes = V1Protocol.HEADER_SIZE + m.length();
                String command = m.command();
                ByteBuffer packet = toStranger.translate(m);
                stats.v2MessageToPeer(command, v1Bytes, packet.remaining());
                sendToStranger(packet);
            }
        } catch (V1ProtocolException e) {
            close(CloseCause.V1ProtocolError.of(CloseCause.Party.NODE, e, false));
        }
    }

    @Override
    public void onClientChecksumFailed(V1ProtocolException failure) {
        // Only checksum writes are deferred here, and they cannot fail.
        close(new CloseCause.InternalError("a checksum job failed: " + failure.getMessage()));
    }

    // ---- ends ------------------------------------------------------------------------------

    @Override
    public void onClientEof() {
        strangerEof = true;
        switch (phase) {
            case FIRST_MESSAGE -> close(new CloseCause.ClosedEarly(CloseCause.Party.PEER));
            case CONNECTING -> { } // acted on once the node is connected
            case HANDSHAKE -> close(new CloseCause.ClosedInHandshake(new FallbackNote.None()));
            case RELAY -> {
                if (transport == ProxySession.Transport.V2 && !v2.atPacketBoundary()) {
                    close(new CloseCause.Truncated(CloseCause.Party.PEER));
                } else {
                    finishOrHalfClose(true);
                }
            }
            case CLOSED -> { }
            default -> throw new AssertionError(phase);
        }
    }

    @Override
    public void onPeerEof() {
        nodeEof = true;
        if (nodeDecoder != null && !nodeDecoder.atMessageBoundary()) {
            close(new CloseCause.Truncated(CloseCause.Party.NODE));
        } else {
            finishOrHalfClose(false);
        }
    }

    private void finishOrHalfClose(boolean stranger) {
        if (strangerEof && nodeEof) {
            close(null);
        } else if (stranger) {
            actions.shutdownPeerOutput();
        } else {
            actions.shutdownClientOutput();
        }
    }

    @Override
    public void onError(boolean peerSide, String why) {
        close(new CloseCause.IoError(peerSide ? CloseCause.Party.NODE : CloseCause.Party.PEER, why, new FallbackNote.None()));
    }

    @Override
    public void onTimeout() {
        switch (phase) {
            case FIRST_MESSAGE, CONNECTING, HANDSHAKE, RELAY ->
                    close(new CloseCause.Timeout(Direction.INBOUND, phase, "the node " + node, new FallbackNote.None()));
            case CLOSED -> { }
            default -> throw new AssertionError(phase);
        }
    }

    @Override
    public void onShutdown() {
        close(new CloseCause.Shutdown());
    }

    /** Closes with {@code cause}; null for a clean close (both sides finished). */
    private void close(CloseCause cause) {
        if (phase == ProxySession.Phase.CLOSED) {
            return;
        }
        phase = ProxySession.Phase.CLOSED;
        closeCause = cause;
        v2.destroy();
        actions.close();
    }

    private void sendToNode(ByteBuffer b) {
        stats.clientBytesOut += b.remaining();
        actions.sendToPeer(b);
    }

    private void sendToStranger(ByteBuffer b) {
        stats.peerBytesOut += b.remaining();
        actions.sendToClient(b);
    }

    private static ByteBuffer copy(ByteBuffer in) {
        ByteBuffer copy = ByteBuffer.allocate(in.remaining());
        copy.put(in).flip();
        return copy;
    }

    // ---- state for the engine and logs -----------------------------------------------------

    @Override
    public ProxySession.Phase phase() {
        return phase;
    }

    @Override
    public boolean wantsClientBytes() {
        return !strangerEof && (phase == ProxySession.Phase.FIRST_MESSAGE || phase == ProxySession.Phase.HANDSHAKE
                || phase == ProxySession.Phase.RELAY);
    }

    /** The node is read once it is connected and, for v2, once packets can be encrypted for the stranger. */
    @Override
    public boolean wantsPeerBytes() {
        return !nodeEof && (phase == ProxySession.Phase.HANDSHAKE || phase == ProxySession.Phase.RELAY)
                && (transport != ProxySession.Transport.V2 || v2.canSend());
    }

    @Override
    public Optional<ProxySession.Transport> transport() {
        return Optional.ofNullable(transport);
    }

    @Override
    public Optional<Destination> destination() {
        return Optional.of(node);
    }

    @Override
    public Optional<Network> network() {
        return Optional.of(network);
    }

    @Override
    public Optional<CloseCause> closeCause() {
        return Optional.ofNullable(closeCause);
    }

    @Override
    public SessionStats stats() {
        return stats;
    }

    /** The stranger's bytes held while the node is dialled, the node's partial frame and the stranger's partial packet. */
    @Override
    public long bufferedBytes() {
        return (v1Backlog == null ? 0 : v1Backlog.remaining())
                + (nodeDecoder == null ? 0 : nodeDecoder.bufferedBytes())
                + v2.bufferedBytes();
    }

    @Override
    public Direction direction() {
        return Direction.INBOUND;
    }
}
