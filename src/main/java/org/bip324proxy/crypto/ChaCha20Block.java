package org.bip324proxy.crypto;

import org.bip324proxy.bytes.Endian;

/**
 * The ChaCha20 block function of RFC 8439 section 2.3: a PRF from (256-bit key, 96-bit nonce, 32-bit
 * block counter) to 64 keystream bytes. BIP324 uses it directly for the length cipher
 * ({@link FsChaCha20}); bulk encryption goes through an {@link Aead} backend instead.
 */
final class ChaCha20Block {
    /** Bytes of keystream produced per block. */
    static final int BLOCK_LEN = 64;
    static final int KEY_LEN = 32;
    static final int NONCE_LEN = 12;

    private static final int SIGMA0 = 0x61707865;
    private static final int SIGMA1 = 0x3320646e;
    private static final int SIGMA2 = 0x79622d32;
    private static final int SIGMA3 = 0x6b206574;

    private ChaCha20Block() {}

    /**
     * Writes 64 keystream bytes for the given key words (8 little-endian ints), nonce words (3
     * little-endian ints) and block counter into {@code out[outOff..outOff+64)}.
     */
    static void keystream(int[] key, int n0, int n1, int n2, int counter, byte[] out, int outOff) {
        int x0 = SIGMA0, x1 = SIGMA1, x2 = SIGMA2, x3 = SIGMA3;
        int x4 = key[0], x5 = key[1], x6 = key[2], x7 = key[3];
        int x8 = key[4], x9 = key[5], x10 = key[6], x11 = key[7];
        int x12 = counter, x13 = n0, x14 = n1, x15 = n2;
        for (int i = 0; i < 10; i++) {
            // Column rounds.
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 16); x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 12);
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 8);  x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 7);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 16); x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 12);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 8);  x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 7);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 16); x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 12);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 8);  x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 7);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 16); x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 12);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 8);  x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 7);
            // Diagonal rounds.
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 16); x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 12);
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 8);  x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 7);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 16); x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 12);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 8);  x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 7);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 16); x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 12);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 8);  x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 7);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 16); x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 12);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 8);  x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 7);
        }
        Endian.putLe32(out, outOff, x0 + SIGMA0);
        Endian.putLe32(out, outOff + 4, x1 + SIGMA1);
        Endian.putLe32(out, outOff + 8, x2 + SIGMA2);
        Endian.putLe32(out, outOff + 12, x3 + SIGMA3);
        Endian.putLe32(out, outOff + 16, x4 + key[0]);
        Endian.putLe32(out, outOff + 20, x5 + key[1]);
        Endian.putLe32(out, outOff + 24, x6 + key[2]);
        Endian.putLe32(out, outOff + 28, x7 + key[3]);
        Endian.putLe32(out, outOff + 32, x8 + key[4]);
        Endian.putLe32(out, outOff + 36, x9 + key[5]);
        Endian.putLe32(out, outOff + 40, x10 + key[6]);
        Endian.putLe32(out, outOff + 44, x11 + key[7]);
        Endian.putLe32(out, outOff + 48, x12 + counter);
        Endian.putLe32(out, outOff + 52, x13 + n0);
        Endian.putLe32(out, outOff + 56, x14 + n1);
        Endian.putLe32(out, outOff + 60, x15 + n2);
    }

    /** Loads a 32-byte key into 8 little-endian words. */
    static void loadKey(byte[] key, int keyOff, int[] words) {
        for (int i = 0; i < 8; i++) {
            words[i] = Endian.le32(key, keyOff + 4 * i);
        }
    }
}
