package org.bip324proxy.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * BIP340 tagged hash: {@code SHA256(SHA256(tag) || SHA256(tag) || msg)}, with the tag encoded as
 * UTF-8 (BIP340 "Design", tagged hashes). BIP324 uses it in {@code v2_ecdh}.
 *
 * <p>An instance precomputes the 64-byte tag prefix once; it is immutable and thread-safe.
 */
public final class TaggedHash {
    /** Length in bytes of every tagged hash output. */
    public static final int LENGTH = 32;

    private final byte[] prefix;

    /**
     * @param tag the tag, hashed as its UTF-8 bytes
     * @throws NullPointerException if {@code tag} is null
     */
    public TaggedHash(String tag) {
        byte[] tagHash = sha256().digest(Objects.requireNonNull(tag, "tag").getBytes(StandardCharsets.UTF_8));
        prefix = new byte[2 * LENGTH];
        System.arraycopy(tagHash, 0, prefix, 0, LENGTH);
        System.arraycopy(tagHash, 0, prefix, LENGTH, LENGTH);
    }

    /**
     * Hashes the concatenation of {@code messageParts} under this tag.
     *
     * @param messageParts the message, split into any number of parts (none means the empty message)
     * @return a new 32-byte array
     * @throws NullPointerException if any part is null
     */
    public byte[] hash(byte[]... messageParts) {
        MessageDigest digest = sha256();
        digest.update(prefix);
        for (byte[] part : messageParts) {
            digest.update(Objects.requireNonNull(part, "message part"));
        }
        return digest.digest();
    }

    /** One-shot form of {@code new TaggedHash(tag).hash(messageParts)}. */
    public static byte[] hash(String tag, byte[]... messageParts) {
        return new TaggedHash(tag).hash(messageParts);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-256 (MessageDigest javadoc).
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
