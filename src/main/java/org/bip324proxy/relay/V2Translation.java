package org.bip324proxy.relay;

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
 * The v2 transport's relay, in both directions: every v1 message of the v1 side becomes one BIP324
 * packet for the v2 side, every application packet of the v2 side a v1 frame with a freshly
 * computed checksum (BIP324, "v2 Bitcoin P2P message structure"), in place; decoys, unknown short
 * IDs and malformed types are dropped and counted. Handshake bytes the transport queues are sent
 * as they appear. v1 bytes that arrive before packets can be encrypted (the peer's key) are held
 * and translated once they can. Outbound this proxy is the initiator and the v1 side the client;
 * inbound it is the responder and the v1 side the node.
 */
final class V2Translation implements TransportRelay {
    /** What a session adds to the translation; called inside {@link #fromV2} and {@link #start}. */
    interface Events {
        /** Packets can be encrypted from now on (the peer's key arrived); before any held v1 bytes go. */
        default void keysReady() {
        }

        /** The peer's version packet arrived: the handshake is complete. */
        default void handshakeComplete() {
        }

        /** A frame about to go to the v1 side (outbound: NODE_P2P_V2 hints in addr messages). */
        default void frameToV1(String command, ByteBuffer frame) {
        }

        /** A message of the v1 side about to be encrypted (inbound: AdvertiseV2). */
        default V1Message messageToV2(V1Message message) {
            return message;
        }
    }

    private final V2Transport v2;
    private final Sides sides;
    private final SessionStats stats;
    private final V1FrameDecoder decoder;
    private final V1ToV2 toV2;
    private final V2ToV1 toV1;
    private final Events events;
    /** A message to send before any other once packets can be encrypted (outbound: the client's VERSION), or null. */
    private V1Message first;
    /** v1 bytes before packets can be encrypted; null once they can. */
    private HeldBytes held;
    private boolean keysReported;
    private boolean completeReported;
    private long v2BytesBeforeKey;

    /**
     * @param v2 the transport, made with {@link V2ToV1#RECEIVE_HEADROOM}
     * @param decoder the v1 side's decoder, leaving {@link V1ToV2#HEADROOM} and {@link V1ToV2#TAILROOM}
     * @param first a message to send first once packets can be encrypted, or null
     * @param held v1 bytes already read, translated after {@code first}
     */
    V2Translation(V2Transport v2, Network network, V1FrameDecoder decoder, V1Message first, HeldBytes held, Sides sides,
            Events events) {
        this.v2 = v2;
        this.sides = sides;
        this.stats = sides.stats();
        this.decoder = decoder;
        this.toV2 = new V1ToV2(v2);
        this.toV1 = new V2ToV1(new V1FrameEncoder(network), ProxySession.DEFER_CHECKSUMS_FROM);
        this.events = events;
        this.first = first;
        this.held = held;
    }

    /** Sends what the transport already queued (an initiator's key and garbage). */
    void start() {
        flushHandshake();
    }

    @Override
    public void received(Sides.Side from, ByteBuffer in) {
        if (from == Sides.Side.V1) {
            fromV1(in);
        } else {
            fromV2(in);
        }
    }

    private void fromV2(ByteBuffer in) {
        if (!v2.canSend()) {
            v2BytesBeforeKey += in.remaining();
        }
        try {
            V2Packet packet;
            while ((packet = v2.receive(in)) != null) {
                ByteBuffer frame = toV1.translate(packet);
                if (frame != null) {
                    sendToV1(frame, packet);
                }
            }
        } catch (V2ProtocolException e) {
            in.position(in.limit());
            sides.close(CloseCause.V2ProtocolError.of(e));
            return;
        } catch (V2ToV1.OversizedPayloadException e) {
            in.position(in.limit());
            sides.close(e.cause());
            return;
        }
        stats.decoysReceived = v2.decoysReceived();
        stats.unknownShortIds = toV1.unknownShortIds();
        stats.malformedTypes = toV1.malformedTypes();
        flushHandshake();
    }

    private void sendToV1(ByteBuffer frame, V2Packet packet) {
        events.frameToV1(toV1.lastCommand(), frame);
        stats.v2MessageToClient(toV1.lastCommand(), frame.remaining(), PacketCipher.EXPANSION + packet.length());
        DeferredChecksum checksum = toV1.pendingChecksum();
        if (checksum != null) {
            sides.sendToV1After(frame, checksum);
        } else {
            sides.send(Sides.Side.V1, frame);
        }
    }

    /** Sends queued handshake bytes; reports the keys (then translates held bytes) and the handshake's end once each. */
    private void flushHandshake() {
        byte[] out = v2.takeOutput();
        if (out.length > 0) {
            sides.send(Sides.Side.V2, ByteBuffer.wrap(out));
        }
        if (!keysReported && v2.canSend()) {
            keysReported = true;
            events.keysReady();
            if (first != null) {
                sendToV2(first);
                first = null;
            }
            ByteBuffer rest = held.view();
            held = null;
            fromV1(rest);
        }
        if (!completeReported && v2.isHandshakeComplete()) {
            completeReported = true;
            events.handshakeComplete();
        }
    }

    private void fromV1(ByteBuffer in) {
        if (held != null) {
            held.append(in);
            return;
        }
        try {
            V1Message m;
            while ((m = decoder.next(in)) != null) {
                sendToV2(events.messageToV2(m));
            }
        } catch (V1ProtocolException e) {
            sides.close(CloseCause.V1ProtocolError.of(sides.v1Party(), e, false));
        }
    }

    /** Encrypts one v1 message (decoded with {@link V1ToV2}'s room) into a packet for the v2 side. */
    private void sendToV2(V1Message m) {
        String command = m.command();
        int v1Bytes = V1Protocol.HEADER_SIZE + m.length();
        ByteBuffer packet = toV2.translate(m);
        stats.v2MessageToPeer(command, v1Bytes, packet.remaining());
        Optional<DeferredChecksum> check = m.unverifiedChecksum();
        if (check.isPresent()) {
            sides.sendToV2After(packet, check.get());
        } else {
            sides.send(Sides.Side.V2, packet);
        }
    }

    @Override
    public void ended(Sides.Side side) {
        if (side == Sides.Side.V1) {
            v1Ended();
        } else {
            v2Ended();
        }
    }

    /**
     * Held bytes not yet delivered (outbound: the client's VERSION waits for the peer's key) make
     * the end early; the node of an inbound session is not read before then.
     */
    private void v1Ended() {
        if (held != null) {
            sides.close(new CloseCause.ClosedEarly(sides.v1Party()));
        } else if (decoder.atMessageBoundary()) {
            sides.finish(Sides.Side.V1);
        } else {
            sides.close(new CloseCause.Truncated(sides.v1Party()));
        }
    }

    /** Packets are atomic (the AEAD covers the whole contents): an EOF inside one truncates it. */
    private void v2Ended() {
        if (v2.atPacketBoundary()) {
            sides.finish(Sides.Side.V2);
        } else {
            sides.close(new CloseCause.Truncated(CloseCause.Party.PEER));
        }
    }

    /** The v1 side is read once its messages can be encrypted. */
    @Override
    public boolean wantsBytes(Sides.Side side) {
        return !sides.ended(side) && (side == Sides.Side.V2 || v2.canSend());
    }

    @Override
    public long bufferedBytes() {
        return (held == null ? 0 : held.heldBytes()) + decoder.bufferedBytes() + v2.bufferedBytes();
    }

    @Override
    public void destroy() {
        v2.destroy();
    }

    /** Bytes the v2 side sent before its key was complete (the v1 fallback's rule counts them). */
    long v2BytesBeforeKey() {
        return v2BytesBeforeKey;
    }

    /** The BIP324 session id in hex (once the keys are derived). */
    String sessionIdHex() {
        return HexFormat.of().formatHex(v2.sessionId());
    }

    boolean handshakeComplete() {
        return v2.isHandshakeComplete();
    }
}
