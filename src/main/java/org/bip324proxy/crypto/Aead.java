package org.bip324proxy.crypto;

/**
 * AEAD_CHACHA20_POLY1305 of RFC 8439 section 2.8 with a settable key: the primitive under
 * {@link FsChaCha20Poly1305}. Implementations are single-threaded objects (one per direction).
 */
public interface Aead {
    /** Poly1305 tag length appended to every ciphertext. */
    int TAG_LEN = 16;
    int KEY_LEN = 32;
    int NONCE_LEN = 12;

    /** Sets the 32-byte key used by later calls (the caller may wipe its copy afterwards). */
    void setKey(byte[] key);

    /**
     * Encrypts {@code in[inOff..inOff+len)} into {@code out[outOff..outOff+len+16)} (ciphertext then
     * tag). {@code out} may be {@code in} at the same offset (in-place encryption).
     */
    void seal(byte[] nonce, byte[] aad, byte[] in, int inOff, int len, byte[] out, int outOff);

    /**
     * Authenticates and decrypts {@code in[inOff..inOff+len)} (ciphertext then 16-byte tag) into
     * {@code out[outOff..outOff+len-16)}. In-place use is allowed.
     *
     * @return false if the tag does not verify; then the output contents are unspecified
     */
    boolean open(byte[] nonce, byte[] aad, byte[] in, int inOff, int len, byte[] out, int outOff);

    /** Forgets the key as far as the underlying library allows. */
    void destroy();
}
