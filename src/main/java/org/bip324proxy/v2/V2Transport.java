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
 * enforce the transition tables documented there. The parts: {@link PeerKeyReader} (v1 prefix and
 * the peer's key), {@link GarbageScanner} (the peer's garbage terminator), {@link PacketReader}
 * (received packets), {@link OurHandshake} (our key, garbage, key schedule and handshake output).
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
    private final int headroom;

    private final OurHandshake us;
    private RecvState recvState;
    private SendState sendState;
    private PacketCipher cipher;
    private byte[] sessionId;

    private final PeerKeyReader peerKey;
    private GarbageScanner garbageScanner;
    private PacketReader packets;

    private long decoysReceived;

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
        this.headroom = receiveHeadroom;
        this.peerKey = new PeerKeyReader(networkMagic);
        if (role == Role.INITIATOR) {
            recvState = RecvState.KEY;
            sendState = SendState.AWAITING_KEY;
            us.sendKeyAndGarbage();
        } else {
            recvState = RecvState.KEY_MAYBE_V1;
            sendState = SendState.MAYBE_V1;
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
            while (true) {
                switch (recvState) {
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
                        } else if (recvState == RecvState.VERSION) {
                            recvState = recvState.moveTo(RecvState.APP); // version contents are ignored (BIP324)
                        } else {
                            return contents;
                        }
                    }
                    case V1 -> {
                        return null;
                    }
                    case FAILED -> throw new IllegalStateException("transport failed earlier");
                    default -> throw new AssertionError(recvState);
                }
            }
        } catch (V2ProtocolException e) {
            fail();
            throw e;
        }
    }

    /** Responder: match incoming bytes against the v1 prefix; true once the peer is known v2. */
    private boolean receivePrefix(ByteBuffer in) {
        switch (peerKey.matchV1Prefix(in)) {
            case V2 -> {
                recvState = recvState.moveTo(RecvState.KEY);
                sendState = sendState.moveTo(SendState.AWAITING_KEY);
                us.sendKeyAndGarbage();
                return true;
            }
            case V1 -> {
                recvState = recvState.moveTo(RecvState.V1);
                sendState = sendState.moveTo(SendState.V1);
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    private boolean receiveKey(ByteBuffer in) throws V2ProtocolException {
        if (!peerKey.readKey(in, role == Role.RESPONDER)) {
            return false;
        }
        cipher = us.deriveKeysAndSendVersion(peerKey.key());
        sessionId = cipher.sessionId();
        sendState = sendState.moveTo(SendState.READY);
        garbageScanner = new GarbageScanner(cipher.recvGarbageTerminator());
        recvState = recvState.moveTo(RecvState.GARB_GARBTERM);
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
        recvState = recvState.moveTo(RecvState.VERSION);
        return true;
    }

    /**
     * Bytes this transport holds for input not yet returned: the partial packet's buffer and,
     * during the handshake, the garbage scan buffer (for memory accounting).
     */
    public int bufferedBytes() {
        return (packets == null ? 0 : packets.bufferedBytes())
                + (garbageScanner == null ? 0 : garbageScanner.bufferedBytes());
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
        return packets == null || packets.atPacketBoundary();
    }

    /** True once application packets may be encrypted (the peer's key has been received). */
    public boolean canSend() {
        return sendState == SendState.READY;
    }

    /** True once the peer's version packet has been received and verified. */
    public boolean isHandshakeComplete() {
        return recvState == RecvState.APP;
    }

    /** Responder only: true if the peer's first 16 bytes were a v1 VERSION header of our network. */
    public boolean isV1() {
        return recvState == RecvState.V1;
    }

    /** The 16 bytes consumed before the peer was recognised as v1; they belong to its first message. */
    public byte[] v1Prefix() {
        if (!isV1()) {
            throw new IllegalStateException("peer is not v1");
        }
        return peerKey.v1Prefix();
    }

    /** The 32-byte BIP324 session id, or null before the peer's key arrived. */
    public byte[] sessionId() {
        return sessionId == null ? null : sessionId.clone();
    }

    /** Decoy packets received and ignored so far. */
    public long decoysReceived() {
        return decoysReceived;
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

    private void fail() {
        recvState = recvState.moveTo(RecvState.FAILED);
        if (cipher != null) {
            cipher.destroy();
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
