package org.bip324proxy.v2;

import java.nio.ByteBuffer;

/**
 * The receive side of a {@link V2Transport}: what the peer sends, in the order BIP324 ("Handshake:
 * key exchange and version negotiation") has it — a responder's v1 prefix check, the peer's key,
 * its garbage and terminator, its version packet, then application packets (decoys counted and
 * dropped). Every change of {@link RecvState} goes through its {@link RecvState#moveTo}. What the
 * send side must do on the way (answer a v2 peer, derive the keys) it asks of its {@link SendSide}.
 */
final class PeerReceiver {
    /** What the receive side asks of the send side. */
    interface SendSide {
        /** Responder: the peer speaks v2; our key and garbage go out. */
        void peerIsV2();

        /** Responder: the peer speaks v1; nothing is or will be sent. */
        void peerIsV1();

        /** The peer's key arrived: derive the session's ciphers and queue our terminator and version packet. */
        PacketCipher peerKey(byte[] key);
    }

    private final boolean responder;
    private final int headroom;
    private final SendSide sendSide;
    private final PeerKeyReader peerKey;
    private RecvState state;
    private PacketCipher cipher;
    private GarbageScanner garbageScanner;
    private PacketReader packets;
    private long decoysReceived;

    PeerReceiver(boolean responder, byte[] networkMagic, int headroom, SendSide sendSide) {
        this.responder = responder;
        this.headroom = headroom;
        this.sendSide = sendSide;
        this.peerKey = new PeerKeyReader(networkMagic);
        this.state = responder ? RecvState.KEY_MAYBE_V1 : RecvState.KEY;
    }

    /** See {@link V2Transport#receive}; on a protocol error the state becomes FAILED. */
    V2Packet receive(ByteBuffer in) throws V2ProtocolException {
        try {
            while (true) {
                switch (state) {
                    case KEY_MAYBE_V1 -> {
                        if (!receivePrefix(in)) {
                            return null;
                        }
                    }
                    case KEY -> {
                        if (!receiveKey(in)) {
                            return null;
                        }
                    }
                    case GARB_GARBTERM -> {
                        if (!receiveGarbage(in)) {
                            return null;
                        }
                    }
                    case VERSION, APP -> {
                        int header = packets.read(in);
                        if (header < 0) {
                            return null;
                        }
                        V2Packet contents = packets.takePacket();
                        if ((header & PacketCipher.IGNORE_BIT) != 0) {
                            decoysReceived++;
                        } else if (state == RecvState.VERSION) {
                            state = state.moveTo(RecvState.APP); // version contents are ignored (BIP324)
                        } else {
                            return contents;
                        }
                    }
                    case V1 -> {
                        return null;
                    }
                    case FAILED -> throw new IllegalStateException("transport failed earlier");
                    default -> throw new AssertionError(state);
                }
            }
        } catch (V2ProtocolException e) {
            state = state.moveTo(RecvState.FAILED);
            throw e;
        }
    }

    /** Responder: match incoming bytes against the v1 prefix; true once the peer is known v2. */
    private boolean receivePrefix(ByteBuffer in) {
        switch (peerKey.matchV1Prefix(in)) {
            case V2 -> {
                state = state.moveTo(RecvState.KEY);
                sendSide.peerIsV2();
                return true;
            }
            case V1 -> {
                state = state.moveTo(RecvState.V1);
                sendSide.peerIsV1();
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    private boolean receiveKey(ByteBuffer in) throws V2ProtocolException {
        if (!peerKey.readKey(in, responder)) {
            return false;
        }
        cipher = sendSide.peerKey(peerKey.key());
        garbageScanner = new GarbageScanner(cipher.recvGarbageTerminator());
        state = state.moveTo(RecvState.GARB_GARBTERM);
        return true;
    }

    /** Scans for the peer's garbage terminator; true once found (the garbage becomes the AAD). */
    private boolean receiveGarbage(ByteBuffer in) throws V2ProtocolException {
        byte[] peerGarbage = garbageScanner.scan(in);
        if (peerGarbage == null) {
            return false;
        }
        garbageScanner = null;
        packets = new PacketReader(cipher, headroom, peerGarbage);
        state = state.moveTo(RecvState.VERSION);
        return true;
    }

    /** The partial packet's buffer and, during the handshake, the garbage scan buffer. */
    int bufferedBytes() {
        return (packets == null ? 0 : packets.bufferedBytes())
                + (garbageScanner == null ? 0 : garbageScanner.bufferedBytes());
    }

    boolean atPacketBoundary() {
        return packets == null || packets.atPacketBoundary();
    }

    boolean isHandshakeComplete() {
        return state == RecvState.APP;
    }

    boolean isV1() {
        return state == RecvState.V1;
    }

    /** The 16 bytes consumed before the peer was recognised as v1. */
    byte[] v1Prefix() {
        return peerKey.v1Prefix();
    }

    long decoysReceived() {
        return decoysReceived;
    }
}
