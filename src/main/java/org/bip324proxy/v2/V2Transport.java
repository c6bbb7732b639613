package org.bip324proxy.v2;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.crypto.EllSwiftKeyPair;

/**
 * One side of a BIP324 connection as a sans-I/O state machine (Bitcoin Core's V2Transport without
 * the sockets): bytes from the peer go into {@link #receive}, which returns authenticated
 * application packets; bytes the protocol must send are collected for {@link #takeOutput}; and
 * application packets are encrypted with {@link #encryptInPlace}. Not thread-safe.
 *
 * <p>Handshake (BIP324, "Handshake: key exchange and version negotiation"), as Bitcoin Core sends
 * it: each side sends its 64-byte ElligatorSwift key and 0..4095 bytes of random garbage; once it
 * has the peer's key it sends its garbage terminator and its version packet, whose AAD is its own
 * garbage. The first packet received, decoy or not, is authenticated with the peer's garbage as
 * AAD; the first non-decoy packet is the peer's version packet, whose contents are ignored.
 *
 * <p>Every state change goes through {@link RecvState#moveTo} and {@link SendState#moveTo}, which
 * enforce the transition tables documented there. The parts: {@link PeerReceiver} (the receive
 * side: {@link PeerKeyReader} for the v1 prefix and the peer's key, {@link GarbageScanner} for its
 * garbage terminator, {@link PacketReader} for packets), {@link OurHandshake} (our key, garbage,
 * key schedule and handshake output); this class holds the send side and sequences the two.
 */
public final class V2Transport {
    /** Most garbage bytes either side may send after its key (inclusive). */
    public static final int MAX_GARBAGE_LEN = 4095;
    public static final int GARBAGE_TERMINATOR_LEN = SessionKeys.GARBAGE_TERMINATOR_LEN;
    /** Length of an ElligatorSwift public key encoding. */
    public static final int KEY_LEN = 64;
    /** Length of the v1 prefix (magic ‖ "version" ‖ 5 NULs) a responder checks before answering. */
    public static final int V1_PREFIX_LEN = 16;
    /** Bitcoin Core's cap on packet contents: 1 + 12 message-type bytes + 4,000,000 payload. */
    public static final int MAX_CONTENTS_LEN = 1 + 12 + 4_000_000;
    /**
     * Bytes of a packet (header, contents, tag) committed before they arrive; a longer packet's
     * buffer grows (doubling) as its bytes come in, as Bitcoin Core does, so a length field that
     * merely claims 4 MB cannot make the proxy hold 4 MB.
     */
    public static final int INITIAL_PACKET_ALLOCATION = 256 * 1024;

    private static final byte[] NO_AAD = new byte[0];

    /** Which side opened the TCP connection. */
    public enum Role { INITIATOR, RESPONDER }

    private final Role role;
    private final OurHandshake us;
    private final PeerReceiver receiver;
    private SendState sendState;
    private PacketCipher cipher;
    private byte[] sessionId;

    /**
     * Creates a transport with a given key and garbage (tests and vectors use this directly).
     *
     * @param networkMagic the 4-byte v1 magic, mixed into the key schedule
     * @param receiveHeadroom free bytes to leave before each received packet's contents
     */
    V2Transport(Role role, byte[] networkMagic, EllSwiftKeyPair key, byte[] garbage, AeadBackend backend,
            int receiveHeadroom) {
        if (networkMagic.length != 4) {
            throw new IllegalArgumentException("network magic must be 4 bytes");
        }
        if (garbage.length > MAX_GARBAGE_LEN) {
            throw new IllegalArgumentException("garbage is " + garbage.length + " bytes; max " + MAX_GARBAGE_LEN);
        }
        if (receiveHeadroom < 0) {
            throw new IllegalArgumentException("negative headroom");
        }
        this.role = role;
        this.us = new OurHandshake(role == Role.INITIATOR, networkMagic, key, garbage, backend);
        this.receiver = new PeerReceiver(role == Role.RESPONDER, networkMagic, receiveHeadroom, new SendSide());
        if (role == Role.INITIATOR) {
            sendState = SendState.AWAITING_KEY;
            us.sendKeyAndGarbage();
        } else {
            sendState = SendState.MAYBE_V1;
        }
    }

    /** The send side's moves, as the receive side finds them necessary. */
    private final class SendSide implements PeerReceiver.SendSide {
        @Override
        public void peerIsV2() {
            sendState = sendState.moveTo(SendState.AWAITING_KEY);
            us.sendKeyAndGarbage();
        }

        @Override
        public void peerIsV1() {
            sendState = sendState.moveTo(SendState.V1);
        }

        @Override
        public PacketCipher peerKey(byte[] key) {
            cipher = us.deriveKeysAndSendVersion(key);
            sessionId = cipher.sessionId();
            sendState = sendState.moveTo(SendState.READY);
            return cipher;
        }
    }

    /**
     * Creates a transport with a fresh ephemeral key and 0..4095 (uniformly chosen) random garbage
     * bytes. An initiator has its key and garbage ready in {@link #takeOutput()} at once.
     */
    public static V2Transport create(Role role, byte[] networkMagic, SecureRandom rng, AeadBackend backend,
            int receiveHeadroom) {
        return create(role, networkMagic, rng, backend, receiveHeadroom, rng.nextInt(MAX_GARBAGE_LEN + 1));
    }

    /** A transport with a given key and garbage: for the official vectors and reproducible tests. */
    public static V2Transport withKey(Role role, byte[] networkMagic, EllSwiftKeyPair key, byte[] garbage,
            AeadBackend backend, int receiveHeadroom) {
        return new V2Transport(role, networkMagic, key, garbage, backend, receiveHeadroom);
    }

    /** As {@link #create(Role, byte[], SecureRandom, AeadBackend, int)} with a chosen garbage length. */
    public static V2Transport create(Role role, byte[] networkMagic, SecureRandom rng, AeadBackend backend,
            int receiveHeadroom, int garbageLength) {
        byte[] garbage = new byte[garbageLength];
        rng.nextBytes(garbage);
        return new V2Transport(role, networkMagic, EllSwiftKeyPair.generate(rng), garbage, backend, receiveHeadroom);
    }

    /**
     * Consumes bytes from {@code in} (advancing its position) until one application packet is
     * complete, and returns it; returns null once {@code in} is exhausted (or, for a responder, when
     * the peer turned out to speak v1: see {@link #isV1()}). Bytes after a returned packet stay in
     * {@code in} for the next call. Decoys and the version packet are consumed silently. Handshake
     * bytes to send may appear in {@link #takeOutput()} after any call.
     *
     * @throws V2ProtocolException if the peer breaks the protocol; the transport is then dead
     */
    public V2Packet receive(ByteBuffer in) throws V2ProtocolException {
        try {
            return receiver.receive(in);
        } catch (V2ProtocolException e) {
            if (cipher != null) {
                cipher.destroy();
            }
            throw e;
        }
    }

    /**
     * Bytes this transport holds for input not yet returned: the partial packet's buffer and,
     * during the handshake, the garbage scan buffer (for memory accounting).
     */
    public int bufferedBytes() {
        return receiver.bufferedBytes();
    }

    /** Returns (and forgets) the handshake bytes that must be sent to the peer, possibly none. */
    public byte[] takeOutput() {
        return us.takeOutput();
    }

    /**
     * True when no part of a packet is buffered. Packets are atomic (BIP324: the AEAD covers the
     * whole contents), so an end of stream anywhere else truncates one.
     */
    public boolean atPacketBoundary() {
        return receiver.atPacketBoundary();
    }

    /** True once application packets may be encrypted (the peer's key has been received). */
    public boolean canSend() {
        return sendState == SendState.READY;
    }

    /** True once the peer's version packet has been received and verified. */
    public boolean isHandshakeComplete() {
        return receiver.isHandshakeComplete();
    }

    /** Responder only: true if the peer's first 16 bytes were a v1 VERSION header of our network. */
    public boolean isV1() {
        return receiver.isV1();
    }

    /** The 16 bytes consumed before the peer was recognised as v1; they belong to its first message. */
    public byte[] v1Prefix() {
        if (!isV1()) {
            throw new IllegalStateException("peer is not v1");
        }
        return receiver.v1Prefix();
    }

    /** The 32-byte BIP324 session id, or null before the peer's key arrived. */
    public byte[] sessionId() {
        return sessionId == null ? null : sessionId.clone();
    }

    /** Decoy packets received and ignored so far. */
    public long decoysReceived() {
        return receiver.decoysReceived();
    }

    public Role role() {
        return role;
    }

    /**
     * Encrypts one application (or, with {@code decoy}, ignorable) packet in place; see
     * {@link PacketCipher#encryptInPlace} for the buffer layout. Returns the packet's start offset.
     */
    public int encryptInPlace(byte[] buf, int contentsOff, int len, boolean decoy) {
        requireReady();
        return cipher.encryptInPlace(buf, contentsOff, len, NO_AAD, decoy);
    }

    /** Encrypts one packet into a new array of {@code len + PacketCipher.EXPANSION} bytes. */
    public byte[] encrypt(byte[] contents, int off, int len, boolean decoy) {
        requireReady();
        return cipher.encrypt(contents, off, len, NO_AAD, decoy);
    }

    private void requireReady() {
        if (sendState != SendState.READY) {
            throw new IllegalStateException("cannot send packets before the peer's key arrived (state " + sendState + ")");
        }
    }

    /** Wipes all key material; call when the connection ends. */
    public void destroy() {
        us.destroy();
        if (cipher != null) {
            cipher.destroy();
        }
    }
}
