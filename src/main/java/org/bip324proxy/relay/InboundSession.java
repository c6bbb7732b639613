package org.bip324proxy.relay;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameDecoder;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v1.V1ProtocolException;
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
 * Every change goes through {@link Phase#moveTo}. Once the stranger's transport is
 * known, {@link AbstractRelaySession} hands every byte and end to the same {@link TransportRelay}
 * strategies as outbound: {@link V2Translation} (as responder, the node being its v1 side) or
 * {@link Passthrough}.
 * The stranger is not read while the node is being dialled; what was already decrypted waits in
 * the node's queue. Statistics follow {@link TrafficStats}: its v1 ("client") counters are the
 * node's socket here, its v2 ("peer") counters the stranger's.
 */
public final class InboundSession extends AbstractRelaySession {
    private final Destination node;
    private final Network network;
    private final V2Transport v2;
    private final Optional<AdvertiseV2> advertiseV2;

    /** Bytes of the stranger that matched the v1 prefix so far (at most 16). */
    private int prefixSeen;
    /** v1 stranger: its bytes held until the node is connected. */
    private HeldBytes v1Held;

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
        super(actions, false);
        if (responder.role() != V2Transport.Role.RESPONDER) {
            throw new IllegalArgumentException("an inbound session answers: it needs a responder");
        }
        this.node = new Destination(node, Destination.Source.CONFIGURED);
        this.network = network;
        this.v2 = responder;
        this.advertiseV2 = advertiseV2;
    }

    // ---- the stranger ------------------------------------------------------------------------

    @Override
    void clientBytesBeforeRelay(ByteBuffer in) {
        if (v1Held != null) {
            v1Held.append(in); // a v1 stranger while the node is dialled
        } else {
            detect(in);
        }
    }

    /**
     * Feeds the responder no more than the rest of the 16-byte v1 prefix, so the verdict comes
     * before any packet. Once the stranger is known v2, our answer is sent and the rest of
     * {@code in} continues its handshake; while all bytes so far match, {@code in} is used up.
     */
    private void detect(ByteBuffer in) {
        int n = Math.min(V2Transport.V1_PREFIX_LEN - prefixSeen, in.remaining());
        try {
            v2.receive(in.slice(in.position(), n)); // takes all n bytes: a mismatch goes on into the key
        } catch (V2ProtocolException e) {
            in.position(in.limit());
            close(CloseCause.V2ProtocolError.of(e));
            return;
        }
        in.position(in.position() + n);
        prefixSeen += n;
        if (v2.isV1()) {
            startV1(in);
            return;
        }
        byte[] answer = v2.takeOutput();
        if (answer.length > 0) {
            sides.send(Sides.Side.V2, ByteBuffer.wrap(answer));
            startV2();
            relay.received(Sides.Side.V2, in);
        }
    }

    /** The 16-byte v1 prefix matched: the stranger speaks v1 of our network (Core: V2Transport::ProcessReceivedMaybeV1Bytes). */
    private void startV1(ByteBuffer rest) {
        choose(Transport.PASSTHROUGH);
        v1Held = new HeldBytes(V2Transport.V1_PREFIX_LEN + rest.remaining());
        v1Held.append(ByteBuffer.wrap(v2.v1Prefix()));
        v1Held.append(rest);
        v2.destroy();
        connectNode();
    }

    /** A v2 stranger: the node's frames wait until packets can be encrypted (it is not read before). */
    private void startV2() {
        choose(Transport.V2);
        relay = new V2Translation(v2, network, new V1FrameDecoder(network, V1ToV2.HEADROOM, V1ToV2.TAILROOM), null,
                new HeldBytes(0), sides, new V2Translation.Events() {
                    @Override
                    public void keysReady() {
                        stats.sessionId = ((V2Translation) relay).sessionIdHex();
                    }

                    @Override
                    public void handshakeComplete() {
                        if (phase() == Phase.HANDSHAKE) {
                            moveTo(Phase.RELAY);
                        }
                    }

                    /** The node's messages are verified on the loop: the engine defers only the accepted side's checks. */
                    @Override
                    public V1Message messageToV2(V1Message message) {
                        return advertiseV2.isPresent() ? advertiseV2.get().rewrite(message) : message;
                    }
                });
        connectNode();
    }

    private void connectNode() {
        moveTo(Phase.CONNECTING);
        actions.connectPeer(node.address());
    }

    // ---- the node ----------------------------------------------------------------------------

    @Override
    public void onPeerConnected() {
        if (phase() != Phase.CONNECTING) {
            return;
        }
        if (relay == null) { // a v1 stranger: its bytes so far go first
            moveTo(Phase.RELAY);
            relay = Passthrough.start(sides, Sides.Side.V2, v1Held);
            v1Held = null;
        } else {
            moveTo(v2.isHandshakeComplete() ? Phase.RELAY : Phase.HANDSHAKE);
        }
        if (sides.ended(Sides.Side.V2)) {
            onClientEof();
        }
    }

    @Override
    public void onPeerConnectFailed(String why) {
        close(new CloseCause.ConnectFailed("the node " + node, why));
    }

    @Override
    public void onClientChecksumFailed(V1ProtocolException failure) {
        // Only checksum writes are deferred here, and they cannot fail.
        close(new CloseCause.InternalError("a checksum job failed: " + failure.getMessage()));
    }

    // ---- ends ------------------------------------------------------------------------------

    @Override
    public void onClientEof() {
        sides.markEnded(Sides.Side.V2);
        switch (phase()) {
            case FIRST_MESSAGE -> close(new CloseCause.ClosedEarly(CloseCause.Party.PEER));
            case CONNECTING -> { } // acted on once the node is connected
            case HANDSHAKE -> close(new CloseCause.ClosedInHandshake(new FallbackNote.None()));
            case RELAY -> relay.ended(Sides.Side.V2);
            case CLOSED -> { }
            default -> throw new AssertionError(phase());
        }
    }

    @Override
    public void onPeerEof() {
        if (phase() != Phase.CLOSED) {
            relay.ended(Sides.Side.V1);
        }
    }

    @Override
    public void onError(boolean peerSide, String why) {
        close(new CloseCause.IoError(peerSide ? CloseCause.Party.NODE : CloseCause.Party.PEER, why, new FallbackNote.None()));
    }

    @Override
    public void onTimeout() {
        if (phase() != Phase.CLOSED) {
            close(new CloseCause.Timeout(Direction.INBOUND, phase(), "the node " + node, new FallbackNote.None()));
        }
    }

    /** The responder is wiped whatever the stranger turned out to be. */
    @Override
    void destroyKeys() {
        v2.destroy();
    }

    // ---- state for the engine and logs -----------------------------------------------------

    @Override
    public Optional<Destination> destination() {
        return Optional.of(node);
    }

    @Override
    public Optional<Network> network() {
        return Optional.of(network);
    }

    /** The stranger's bytes held while the node is dialled, the node's partial frame and the stranger's partial packet. */
    @Override
    public long bufferedBytes() {
        return (v1Held == null ? 0 : v1Held.heldBytes()) + (relay == null ? v2.bufferedBytes() : relay.bufferedBytes());
    }

    @Override
    public Direction direction() {
        return Direction.INBOUND;
    }
}
