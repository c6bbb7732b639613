package org.bip324proxy.v2;

import java.io.ByteArrayOutputStream;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.crypto.EllSwiftKeyPair;

/**
 * Deterministic BIP324 endpoints for the fuzz tests: the same keys on every run (so a crash input
 * replays exactly), and the scripted side of each role built from a {@link PacketCipher} alone, so
 * each fuzz input costs one ECDH (the tested transport's) instead of a whole handshake.
 */
final class FuzzPeer {
    static final byte[] MAINNET = HexFormat.of().parseHex("f9beb4d9");
    static final byte[] RESPONDER_GARBAGE = HexFormat.of().parseHex("0102030405");
    static final byte[] INITIATOR_GARBAGE = HexFormat.of().parseHex("a1a2a3");

    private static final byte[] INITIATOR_SEED = {'i'};
    private static final byte[] RESPONDER_SEED = {'r'};
    /** The initiator's 64-byte encoding, as it goes on the wire. */
    static final byte[] INITIATOR_ENCODING;
    /** The responder's 64-byte encoding, as it goes on the wire. */
    static final byte[] RESPONDER_ENCODING;
    /** The v2_ecdh secret both sides compute. */
    private static final byte[] SECRET;

    static {
        EllSwiftKeyPair initiator = EllSwiftKeyPair.generate(seeded(INITIATOR_SEED));
        EllSwiftKeyPair responder = responderKey();
        INITIATOR_ENCODING = initiator.encoding();
        RESPONDER_ENCODING = responder.encoding();
        SECRET = initiator.v2EcdhSecret(responder.encoding(), true);
        initiator.destroy();
        responder.destroy();
    }

    private FuzzPeer() {}

    /** A SecureRandom that yields the same bytes for the same seed (SHA1PRNG seeded before use). */
    private static SecureRandom seeded(byte[] seed) {
        try {
            SecureRandom rng = SecureRandom.getInstance("SHA1PRNG");
            rng.setSeed(seed);
            return rng;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static EllSwiftKeyPair responderKey() {
        return EllSwiftKeyPair.generate(seeded(RESPONDER_SEED));
    }

    /** A fresh initiator with the fixed key and {@link #INITIATOR_GARBAGE}; its key and garbage are in its output. */
    static V2Transport initiator(int headroom) {
        return new V2Transport(V2Transport.Role.INITIATOR, MAINNET, EllSwiftKeyPair.generate(seeded(INITIATOR_SEED)),
                INITIATOR_GARBAGE, AeadBackend.JDK, headroom);
    }

    /** The sending half of the fixed responder, in its initial state (no packet sent yet). */
    static PacketCipher responderCipher() {
        return new PacketCipher(SessionKeys.derive(SECRET.clone(), MAINNET), false, AeadBackend.JDK);
    }

    /** A fresh responder with the fixed key, waiting for the initiator's first byte. */
    static V2Transport responder(int headroom) {
        return new V2Transport(V2Transport.Role.RESPONDER, MAINNET, responderKey(), RESPONDER_GARBAGE,
                AeadBackend.JDK, headroom);
    }

    /** The sending half of the fixed initiator, in its initial state (no packet sent yet). */
    static PacketCipher initiatorCipher() {
        return new PacketCipher(SessionKeys.derive(SECRET.clone(), MAINNET), true, AeadBackend.JDK);
    }

    /** The 32-byte session id both sides must agree on. */
    static byte[] sessionId() {
        return SessionKeys.derive(SECRET.clone(), MAINNET).sessionId();
    }

    /**
     * The initiator's handshake bytes: key, {@code garbage}, terminator, then {@code decoys} empty
     * decoy packets and the version packet (the first packet carries the garbage as AAD).
     */
    static byte[] initiatorHandshake(PacketCipher cipher, byte[] garbage, int decoys) {
        return handshake(INITIATOR_ENCODING, cipher, garbage, decoys, new byte[0]);
    }

    /**
     * The responder's handshake bytes, laid out as {@link #initiatorHandshake}'s, with a version
     * packet carrying {@code versionContents} (which BIP324 says the receiver ignores).
     */
    static byte[] responderHandshake(PacketCipher cipher, byte[] garbage, int decoys, byte[] versionContents) {
        return handshake(RESPONDER_ENCODING, cipher, garbage, decoys, versionContents);
    }

    private static byte[] handshake(byte[] encoding, PacketCipher cipher, byte[] garbage, int decoys,
            byte[] versionContents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(encoding);
        out.writeBytes(garbage);
        out.writeBytes(cipher.sendGarbageTerminator());
        byte[] aad = garbage;
        for (int i = 0; i < decoys; i++) {
            out.writeBytes(cipher.encrypt(new byte[0], 0, 0, aad, true));
            aad = new byte[0];
        }
        out.writeBytes(cipher.encrypt(versionContents, 0, versionContents.length, aad, false));
        return out.toByteArray();
    }
}
