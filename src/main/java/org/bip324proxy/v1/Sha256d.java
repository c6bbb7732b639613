package org.bip324proxy.v1;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bip324proxy.bytes.Endian;

/**
 * Reusable double SHA-256 (the v1 checksum is its first 4 bytes). One instance per encoder or
 * decoder; not thread-safe. Finishing a hash allocates nothing.
 */
final class Sha256d {
    private final MessageDigest sha;
    private final byte[] scratch = new byte[32];

    Sha256d() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform must provide SHA-256", e);
        }
    }

    void reset() {
        sha.reset();
    }

    void update(byte[] a, int off, int len) {
        sha.update(a, off, len);
    }

    /** Finishes SHA256(SHA256(everything updated since reset)) and returns its first 4 bytes as a wire-order-packed int. */
    int finishChecksum() {
        try {
            sha.digest(scratch, 0, 32);
            sha.update(scratch, 0, 32);
            sha.digest(scratch, 0, 32);
        } catch (java.security.DigestException e) {
            throw new AssertionError(e);
        }
        return Endian.be32(scratch, 0);
    }

    /** Checksum of {@code a[off..off+len)} as a wire-order-packed int; resets first. */
    int checksum(byte[] a, int off, int len) {
        sha.reset();
        sha.update(a, off, len);
        return finishChecksum();
    }
}
