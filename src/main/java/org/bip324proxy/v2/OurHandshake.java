package org.bip324proxy.v2;

import java.util.Arrays;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.crypto.EllSwiftKeyPair;

/**
 * Our side of the BIP324 handshake ("Handshake: key exchange and version negotiation"): our key
 * and garbage, the key schedule once the peer's key is known, and the handshake bytes queued for
 * the peer until the caller takes them. Our key is wiped as soon as the shared secret is derived.
 */
final class OurHandshake {
    /** Our version packet contents: empty, i.e. plain BIP324 ("TRANSPORT_VERSION"). */
    private static final byte[] VERSION_CONTENTS = new byte[0];

    private final boolean initiator;
    private final byte[] magic;
    private final AeadBackend backend;
    private EllSwiftKeyPair key;
    private byte[] garbage;
    private byte[] output = new byte[0];
    private int outputLen;

    OurHandshake(boolean initiator, byte[] magic, EllSwiftKeyPair key, byte[] garbage, AeadBackend backend) {
        this.initiator = initiator;
        this.magic = magic.clone();
        this.key = key;
        this.garbage = garbage.clone();
        this.backend = backend;
    }

    /** Queues our 64-byte key and our garbage. */
    void sendKeyAndGarbage() {
        append(key.encoding());
        append(garbage);
    }

    /**
     * Derives the session's ciphers from the peer's key (BIP324, "Shared secret computation" and
     * "Key derivation"), then queues our garbage terminator and our version packet, whose AAD is
     * our garbage.
     */
    PacketCipher deriveKeysAndSendVersion(byte[] peerKey) {
        byte[] secret = key.v2EcdhSecret(peerKey, initiator);
        key.destroy();
        key = null;
        PacketCipher cipher = new PacketCipher(SessionKeys.derive(secret, magic), initiator, backend);
        Arrays.fill(secret, (byte) 0);
        append(cipher.sendGarbageTerminator());
        append(cipher.encrypt(VERSION_CONTENTS, 0, 0, garbage, false));
        garbage = null;
        return cipher;
    }

    private void append(byte[] bytes) {
        if (outputLen + bytes.length > output.length) {
            output = Arrays.copyOf(output, Math.max(2 * output.length, outputLen + bytes.length));
        }
        System.arraycopy(bytes, 0, output, outputLen, bytes.length);
        outputLen += bytes.length;
    }

    /** Returns (and forgets) the queued bytes, possibly none. */
    byte[] takeOutput() {
        byte[] result = Arrays.copyOf(output, outputLen);
        output = new byte[0];
        outputLen = 0;
        return result;
    }

    /** Wipes our key if the handshake never got that far. */
    void destroy() {
        if (key != null) {
            key.destroy();
            key = null;
        }
    }
}
