package org.bip324proxy.crypto;

/**
 * BIP324 "FSChaCha20": the length cipher. One continuous ChaCha20 keystream encrypts the 3-byte
 * length fields of consecutive packets; after every {@link #REKEY_INTERVAL} chunks the next 32
 * keystream bytes become the new key (BIP324, "Rekeying wrappers: FSChaCha20Poly1305 and
 * FSChaCha20"). The nonce is 4 zero bytes followed by LE64(number of rekeyings).
 *
 * <p>Encryption and decryption are the same operation. Each call to {@link #crypt} is one chunk and
 * advances the state, so callers must process every packet's length field exactly once.
 */
public final class FsChaCha20 {
    /** Chunks (packets) encrypted under one key before rekeying. */
    public static final int REKEY_INTERVAL = 224;

    private final int[] key = new int[8];
    private final byte[] block = new byte[ChaCha20Block.BLOCK_LEN];
    private int blockPos = ChaCha20Block.BLOCK_LEN;
    private int blockCounter;
    private long chunkCounter;

    /** Creates the cipher from a 32-byte initial key (the caller may wipe its copy afterwards). */
    public FsChaCha20(byte[] initialKey) {
        if (initialKey.length != ChaCha20Block.KEY_LEN) {
            throw new IllegalArgumentException("FSChaCha20 key must be 32 bytes, got " + initialKey.length);
        }
        ChaCha20Block.loadKey(initialKey, 0, key);
    }

    /** XORs {@code buf[off..off+len)} in place with the keystream as one chunk. */
    public void crypt(byte[] buf, int off, int len) {
        for (int i = 0; i < len; i++) {
            buf[off + i] ^= nextKeystreamByte();
        }
        if ((chunkCounter + 1) % REKEY_INTERVAL == 0) {
            byte[] newKey = new byte[ChaCha20Block.KEY_LEN];
            for (int i = 0; i < newKey.length; i++) {
                newKey[i] = nextKeystreamByte();
            }
            ChaCha20Block.loadKey(newKey, 0, key);
            Bytes.wipe(newKey);
            blockCounter = 0;
            blockPos = ChaCha20Block.BLOCK_LEN; // leftover keystream of the old key is discarded
        }
        chunkCounter++;
    }

    private byte nextKeystreamByte() {
        if (blockPos == ChaCha20Block.BLOCK_LEN) {
            long rekeys = chunkCounter / REKEY_INTERVAL;
            ChaCha20Block.keystream(key, 0, (int) rekeys, (int) (rekeys >>> 32), blockCounter++, block, 0);
            blockPos = 0;
        }
        return block[blockPos++];
    }

    /** Wipes the key and buffered keystream; the cipher must not be used afterwards. */
    public void destroy() {
        Bytes.wipe(key);
        Bytes.wipe(block);
    }
}
