package org.bip324proxy.v2;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bip324proxy.crypto.Hkdf;

/**
 * The BIP324 key schedule ("Keys and session ID derivation"): HKDF-SHA256 over the ECDH secret with
 * salt {@code "bitcoin_v2_shared_secret" ‖ network magic}, expanded into the four cipher keys, the
 * two garbage terminators and the session id. Holds secrets: call {@link #destroy()} once the
 * ciphers are built.
 */
public final class SessionKeys {
    public static final int KEY_LEN = 32;
    public static final int GARBAGE_TERMINATOR_LEN = 16;
    public static final int SESSION_ID_LEN = 32;

    private static final byte[] SALT_PREFIX = ascii("bitcoin_v2_shared_secret");

    final byte[] initiatorL;
    final byte[] initiatorP;
    final byte[] responderL;
    final byte[] responderP;
    final byte[] initiatorGarbageTerminator;
    final byte[] responderGarbageTerminator;
    final byte[] sessionId;

    private SessionKeys(byte[] prk) {
        initiatorL = Hkdf.expand32(prk, ascii("initiator_L"));
        initiatorP = Hkdf.expand32(prk, ascii("initiator_P"));
        responderL = Hkdf.expand32(prk, ascii("responder_L"));
        responderP = Hkdf.expand32(prk, ascii("responder_P"));
        byte[] terminators = Hkdf.expand32(prk, ascii("garbage_terminators"));
        initiatorGarbageTerminator = Arrays.copyOfRange(terminators, 0, GARBAGE_TERMINATOR_LEN);
        responderGarbageTerminator = Arrays.copyOfRange(terminators, GARBAGE_TERMINATOR_LEN, 2 * GARBAGE_TERMINATOR_LEN);
        sessionId = Hkdf.expand32(prk, ascii("session_id"));
    }

    /** Derives all keys from a 32-byte ECDH secret ({@code v2_ecdh}) and the 4-byte network magic. */
    public static SessionKeys derive(byte[] ecdhSecret, byte[] networkMagic) {
        if (ecdhSecret.length != 32 || networkMagic.length != 4) {
            throw new IllegalArgumentException("need a 32-byte secret and a 4-byte magic");
        }
        byte[] salt = Arrays.copyOf(SALT_PREFIX, SALT_PREFIX.length + networkMagic.length);
        System.arraycopy(networkMagic, 0, salt, SALT_PREFIX.length, networkMagic.length);
        byte[] prk = Hkdf.extract(salt, ecdhSecret);
        try {
            return new SessionKeys(prk);
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }

    public byte[] sessionId() {
        return sessionId.clone();
    }

    /** Wipes the cipher keys (the session id and terminators are not secret). */
    public void destroy() {
        for (byte[] k : new byte[][] {initiatorL, initiatorP, responderL, responderP}) {
            Arrays.fill(k, (byte) 0);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
