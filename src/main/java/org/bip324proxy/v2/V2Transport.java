package org.bip324proxy.v2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
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

    private static final byte[] V1_VERSION_COMMAND = "version\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_AAD = new byte[0];
    /** Our version packet contents: empty, i.e. plain BIP324 ("TRANSPORT_VERSION"). */
    private static final byte[] VERSION_CONTENTS = new byte[0];

    /** Which side opened the TCP connection. */
    public enum Role { INITIATOR, RESPONDER }

    /**
     * Receive states. Allowed transitions:
     * <pre>
     * KEY_MAYBE_V1 -> KEY            responder: a byte differs from the v1 prefix (we then answer)
     * KEY_MAYBE_V1 -> V1             responder: all 16 prefix bytes match; see v1Prefix()
     * KEY          -> GARB_GARBTERM  all 64 key bytes received; keys derived
     * GARB_GARBTERM -> VERSION       garbage terminator found within 4095 + 16 bytes
     * VERSION      -> APP            first non-decoy packet (the peer's version packet) received
     * any          -> FAILED         on a protocol error (V2ProtocolException)
     * </pre>
     * Initiators start in KEY, responders in KEY_MAYBE_V1.
     */
    enum RecvState { KEY_MAYBE_V1, KEY, GARB_GARBTERM, VERSION, APP, V1, FAILED }

    /**
     * Send states. Allowed transitions:
     * <pre>
     * MAYBE_V1     -> AWAITING_KEY   responder: peer is v2; our key + garbage queued
     * MAYBE_V1     -> V1             responder: peer is v1; nothing was or will be sent
     * AWAITING_KEY -> READY          peer key received; terminator + version packet queued
     * </pre>
     * Initiators start in AWAITING_KEY with key + garbage queued. Only READY may encrypt.
     */
    enum SendState { MAYBE_V1, AWAITING_KEY, READY, V1 }

    private final Role role;
    private final byte[] magic;
    private final AeadBackend backend;
    private final int headroom;
    private final byte[] v1Prefix;

    private EllSwiftKeyPair ourKey;
    private byte[] ourGarbage;
    private RecvState recvState;
    private SendState sendState;
    private PacketCipher cipher;
    private byte[] sessionId;

    private final byte[] peerKey = new byte[KEY_LEN];
    private int peerKeyLen;
    private byte[] garbage;
    private int garbageLen;
    private byte[] firstPacketAad;

    private final byte[] lengthField = new byte[PacketCipher.LENGTH_LEN];
    private int lengthFieldLen;
    private byte[] packet;
    private int packetContentsLen;
    /** Header, contents and tag of the packet being received. */
    private int packetBodyLen;
    private int packetFilled;

    private byte[] output = new byte[0];
    private int outputLen;
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
        this.magic = networkMagic.clone();
        this.ourKey = key;
        this.ourGarbage = garbage.clone();
        this.backend = backend;
        this.headroom = receiveHeadroom;
        this.v1Prefix = new byte[V1_PREFIX_LEN];
        System.arraycopy(magic, 0, v1Prefix, 0, 4);
        System.arraycopy(V1_VERSION_COMMAND, 0, v1Prefix, 4, V1_VERSION_COMMAND.length);
        if (role == Role.INITIATOR) {
            recvState = RecvState.KEY;
            sendKeyAndGarbage();
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
                        int header = receivePacket(in);
                        if (header < 0) {
                            return null;
                        }
                        V2Packet contents = new V2Packet(packet, headroom + PacketCipher.HEADER_LEN, packetContentsLen);
                        packet = null;
                        if ((header & PacketCipher.IGNORE_BIT) != 0) {
                            decoysReceived++;
                        } else if (recvState == RecvState.VERSION) {
                            recvState = RecvState.APP; // version contents are ignored (BIP324)
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
        while (in.hasRemaining()) {
            byte b = in.get();
            peerKey[peerKeyLen] = b;
            if (b != v1Prefix[peerKeyLen++]) {
                recvState = RecvState.KEY;
                sendKeyAndGarbage();
                return true;
            }
            if (peerKeyLen == V1_PREFIX_LEN) {
                recvState = RecvState.V1;
                sendState = SendState.V1;
                return false;
            }
        }
        return false;
    }

    private boolean receiveKey(ByteBuffer in) throws V2ProtocolException {
        int n = Math.min(KEY_LEN - peerKeyLen, in.remaining());
        in.get(peerKey, peerKeyLen, n);
        peerKeyLen += n;
        if (peerKeyLen < KEY_LEN) {
            return false;
        }
        if (role == Role.RESPONDER && Arrays.equals(peerKey, 4, V1_PREFIX_LEN, V1_VERSION_COMMAND, 0, V1_VERSION_COMMAND.length)) {
            throw new V2ProtocolException(V2ProtocolException.Reason.WRONG_NETWORK,
                    "peer sent a v1 VERSION header with network magic " + HexFormat.of().formatHex(peerKey, 0, 4)
                            + ", expected " + HexFormat.of().formatHex(magic, 0, 4));
        }
        deriveKeysAndSendVersion();
        garbage = new byte[MAX_GARBAGE_LEN + GARBAGE_TERMINATOR_LEN];
        recvState = RecvState.GARB_GARBTERM;
        return true;
    }

    /** Scans for the peer's garbage terminator; true once found (the garbage becomes the AAD). */
    private boolean receiveGarbage(ByteBuffer in) throws V2ProtocolException {
        byte[] terminator = cipher.recvGarbageTerminator();
        while (in.hasRemaining()) {
            garbage[garbageLen++] = in.get();
            if (garbageLen >= GARBAGE_TERMINATOR_LEN
                    && Arrays.equals(garbage, garbageLen - GARBAGE_TERMINATOR_LEN, garbageLen, terminator, 0, GARBAGE_TERMINATOR_LEN)) {
                firstPacketAad = Arrays.copyOf(garbage, garbageLen - GARBAGE_TERMINATOR_LEN);
                garbage = null;
                recvState = RecvState.VERSION;
                return true;
            }
            if (garbageLen == garbage.length) {
                throw new V2ProtocolException(V2ProtocolException.Reason.GARBAGE_TERMINATOR_NOT_FOUND,
                        "no garbage terminator within " + garbage.length
                                + " bytes: the peer does not speak BIP324, or uses another network");
            }
        }
        return false;
    }

    /**
     * Reads and decrypts one packet into {@link #packet}; returns its header byte, or -1 when
     * {@code in} ran out first. The length field is decrypted exactly once per packet.
     */
    private int receivePacket(ByteBuffer in) throws V2ProtocolException {
        if (packet == null) {
            int n = Math.min(PacketCipher.LENGTH_LEN - lengthFieldLen, in.remaining());
            in.get(lengthField, lengthFieldLen, n);
            lengthFieldLen += n;
            if (lengthFieldLen < PacketCipher.LENGTH_LEN) {
                return -1;
            }
            lengthFieldLen = 0;
            packetContentsLen = cipher.decryptLength(lengthField, 0);
            if (packetContentsLen > MAX_CONTENTS_LEN) {
                throw new V2ProtocolException(V2ProtocolException.Reason.OVERSIZED_PACKET,
                        "packet contents of " + packetContentsLen + " bytes exceed the limit of "
                                + MAX_CONTENTS_LEN + " bytes");
            }
            packetBodyLen = PacketCipher.HEADER_LEN + packetContentsLen + PacketCipher.TAG_LEN;
            packet = new byte[headroom + Math.min(packetBodyLen, INITIAL_PACKET_ALLOCATION)];
            packetFilled = 0;
        }
        int n = Math.min(packetBodyLen - packetFilled, in.remaining());
        growPacket(packetFilled + n);
        in.get(packet, headroom + packetFilled, n);
        packetFilled += n;
        if (packetFilled < packetBodyLen) {
            return -1;
        }
        byte[] aad = firstPacketAad != null ? firstPacketAad : NO_AAD;
        int header = cipher.decryptInPlace(packet, headroom, packetContentsLen, aad);
        if (header < 0) {
            throw new V2ProtocolException(V2ProtocolException.Reason.AUTHENTICATION_FAILED,
                    "packet of " + packetContentsLen + " content bytes failed authentication"
                            + (firstPacketAad != null ? " (first packet: garbage or keys do not match)" : ""));
        }
        firstPacketAad = null;
        return header;
    }

    /** Makes room for {@code needed} body bytes: doubling, never beyond the packet's real size. */
    private void growPacket(int needed) {
        int capacity = packet.length - headroom;
        if (needed > capacity) {
            int grown = (int) Math.min(packetBodyLen, Math.max(needed, 2L * capacity));
            packet = Arrays.copyOf(packet, headroom + grown);
        }
    }

    /**
     * Bytes this transport holds for input not yet returned: the partial packet's buffer and,
     * during the handshake, the garbage scan buffer (for memory accounting).
     */
    public int bufferedBytes() {
        return (packet == null ? 0 : packet.length) + (garbage == null ? 0 : garbage.length);
    }

    private void sendKeyAndGarbage() {
        sendState = SendState.AWAITING_KEY;
        appendOutput(ourKey.encoding());
        appendOutput(ourGarbage);
    }

    private void deriveKeysAndSendVersion() {
        byte[] secret = ourKey.v2EcdhSecret(peerKey, role == Role.INITIATOR);
        ourKey.destroy();
        ourKey = null;
        cipher = new PacketCipher(SessionKeys.derive(secret, magic), role == Role.INITIATOR, backend);
        Arrays.fill(secret, (byte) 0);
        sessionId = cipher.sessionId();
        appendOutput(cipher.sendGarbageTerminator());
        appendOutput(cipher.encrypt(VERSION_CONTENTS, 0, 0, ourGarbage, false));
        ourGarbage = null;
        sendState = SendState.READY;
    }

    private void appendOutput(byte[] bytes) {
        if (outputLen + bytes.length > output.length) {
            output = Arrays.copyOf(output, Math.max(2 * output.length, outputLen + bytes.length));
        }
        System.arraycopy(bytes, 0, output, outputLen, bytes.length);
        outputLen += bytes.length;
    }

    /** Returns (and forgets) the handshake bytes that must be sent to the peer, possibly none. */
    public byte[] takeOutput() {
        byte[] result = Arrays.copyOf(output, outputLen);
        output = new byte[0];
        outputLen = 0;
        return result;
    }

    /**
     * True when no part of a packet is buffered. Packets are atomic (BIP324: the AEAD covers the
     * whole contents), so an end of stream anywhere else truncates one.
     */
    public boolean atPacketBoundary() {
        return packet == null && lengthFieldLen == 0;
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
        return Arrays.copyOf(peerKey, V1_PREFIX_LEN);
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
        recvState = RecvState.FAILED;
        if (cipher != null) {
            cipher.destroy();
        }
    }

    /** Wipes all key material; call when the connection ends. */
    public void destroy() {
        if (ourKey != null) {
            ourKey.destroy();
            ourKey = null;
        }
        if (cipher != null) {
            cipher.destroy();
        }
    }
}
