package org.bip324proxy.crypto;

import org.bip324proxy.bytes.Endian;

/**
 * BIP324 "FSChaCha20Poly1305": ChaCha20-Poly1305 whose nonce is LE32(packet counter mod 224) ‖
 * LE64(packet counter / 224), rekeyed after every {@link #REKEY_INTERVAL} packets with the first 32
 * bytes of the encryption of 32 zero bytes under nonce 0xffffffff ‖ LE64(rekey count) (BIP324,
 * "Rekeying wrappers: FSChaCha20Poly1305 and FSChaCha20"). An instance only encrypts or only
 * decrypts (one per direction).
 */
public final class FsChaCha20Poly1305 {
    public static final int REKEY_INTERVAL = 224;
    public static final int TAG_LEN = Aead.TAG_LEN;

    private static final byte[] NO_AAD = new byte[0];

    private final Aead aead;
    private final byte[] nonce = new byte[Aead.NONCE_LEN];
    private long packetCounter;

    /** Creates the cipher over {@code aead}, which it owns from now on. */
    public FsChaCha20Poly1305(byte[] initialKey, Aead aead) {
        if (initialKey.length != Aead.KEY_LEN) {
            throw new IllegalArgumentException("FSChaCha20Poly1305 key must be 32 bytes, got " + initialKey.length);
        }
        this.aead = aead;
        aead.setKey(initialKey);
    }

    /** Encrypts {@code len} bytes into {@code len + 16} bytes at {@code out[outOff]} (in place allowed). */
    public void encrypt(byte[] aad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        aead.seal(packetNonce(), aad, in, inOff, len, out, outOff);
        advance();
    }

    /**
     * Decrypts {@code len} bytes (ciphertext and tag) into {@code len - 16} bytes at
     * {@code out[outOff]} (in place allowed).
     *
     * @return false when authentication fails; the session must then be abandoned
     */
    public boolean decrypt(byte[] aad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        boolean ok = aead.open(packetNonce(), aad, in, inOff, len, out, outOff);
        advance();
        return ok;
    }

    private byte[] packetNonce() {
        Endian.putLe32(nonce, 0, (int) (packetCounter % REKEY_INTERVAL));
        Endian.putLe64(nonce, 4, packetCounter / REKEY_INTERVAL);
        return nonce;
    }

    private void advance() {
        if ((packetCounter + 1) % REKEY_INTERVAL == 0) {
            Endian.putLe32(nonce, 0, 0xffffffff);
            Endian.putLe64(nonce, 4, packetCounter / REKEY_INTERVAL);
            byte[] block = new byte[Aead.KEY_LEN + TAG_LEN];
            aead.seal(nonce, NO_AAD, new byte[Aead.KEY_LEN], 0, Aead.KEY_LEN, block, 0);
            aead.setKey(block);
            Bytes.wipe(block);
        }
        packetCounter++;
    }

    /** Forgets the key; the cipher must not be used afterwards. */
    public void destroy() {
        aead.destroy();
    }
}
