package org.bip324proxy.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

import javax.security.auth.Destroyable;

import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * An ephemeral secp256k1 key with its ElligatorSwift-encoded public key, for one BIP324 handshake:
 * {@code ellswift_create}, {@code ellswift_ecdh_xonly} and {@code v2_ecdh} (BIP324 sections "Shared
 * secret computation" and "ElligatorSwift encoding of curve X coordinates").
 *
 * <p>Call {@link #destroy()} once the shared secret is derived; every other method then throws
 * {@link IllegalStateException}. Destruction zeroes the private key bytes this object holds. The
 * JVM cannot guarantee more: the scalar is briefly turned into a {@link BigInteger} (and Bouncy
 * Castle intermediates) for each multiplication, and those immutable copies are left to the garbage
 * collector. Bouncy Castle's variable-base multiplication is not constant time; each key is meant to
 * be used for a single ECDH.
 *
 * <p>Thread-safe; methods synchronize so that {@code destroy()} cannot race a computation.
 */
public final class EllSwiftKeyPair implements Destroyable {
    private static final TaggedHash V2_ECDH_HASH = new TaggedHash("bip324_ellswift_xonly_ecdh");
    private static final int SCALAR_LENGTH = 32;

    private final byte[] privateKey;
    private final byte[] publicX;
    private final byte[] encoding;
    private boolean destroyed;

    private EllSwiftKeyPair(byte[] privateKey, byte[] publicX, byte[] encoding) {
        this.privateKey = privateKey;
        this.publicX = publicX;
        this.encoding = encoding;
    }

    /**
     * {@code ellswift_create}: a private key uniform in 1..n-1 and a uniformly random ElligatorSwift
     * encoding of its public key, both drawn from {@code rng}.
     *
     * @throws NullPointerException if {@code rng} is null
     */
    public static EllSwiftKeyPair generate(SecureRandom rng) {
        Objects.requireNonNull(rng, "rng");
        byte[] privateKey = new byte[SCALAR_LENGTH];
        while (true) { // rejection sampling; a retry has probability below 2^-127
            rng.nextBytes(privateKey);
            if (isValidScalar(privateKey)) {
                break;
            }
        }
        byte[] publicX = publicX(privateKey);
        return new EllSwiftKeyPair(privateKey, publicX, EllSwift.encode(publicX, rng));
    }

    /**
     * A key pair from known values, e.g. test vectors. Both arrays are copied.
     *
     * @param privateKey32 32-byte big-endian private key in 1..n-1
     * @param encoding64 an ElligatorSwift encoding of the key's public X coordinate
     * @throws IllegalArgumentException on a wrong length, a key out of range, or an encoding that does
     *     not decode to the key's public X coordinate
     */
    public static EllSwiftKeyPair of(byte[] privateKey32, byte[] encoding64) {
        Secp256k1.requireLength(privateKey32, SCALAR_LENGTH, "private key");
        Secp256k1.requireLength(encoding64, EllSwift.ENCODING_LENGTH, "encoding");
        byte[] privateKey = privateKey32.clone();
        byte[] encoding = encoding64.clone();
        if (!isValidScalar(privateKey)) {
            Arrays.fill(privateKey, (byte) 0);
            throw new IllegalArgumentException("private key must be in 1..n-1");
        }
        byte[] publicX = publicX(privateKey);
        if (!Arrays.equals(EllSwift.decode(encoding), publicX)) {
            Arrays.fill(privateKey, (byte) 0);
            throw new IllegalArgumentException("encoding does not decode to the private key's public X coordinate");
        }
        return new EllSwiftKeyPair(privateKey, publicX, encoding);
    }

    /** Our 64-byte ElligatorSwift-encoded public key, as sent on the wire (a copy). */
    public synchronized byte[] encoding() {
        checkNotDestroyed();
        return encoding.clone();
    }

    /** The 32-byte big-endian X coordinate of privateKey·G (a copy). */
    public synchronized byte[] publicX() {
        checkNotDestroyed();
        return publicX.clone();
    }

    /**
     * {@code ellswift_ecdh_xonly}: the X coordinate of privateKey·lift_x(XSwiftEC(theirs)).
     *
     * @param theirEncoding64 the peer's 64-byte encoding (any 64 bytes are accepted)
     * @return a new 32-byte big-endian shared X coordinate; secret, the caller should wipe it
     * @throws IllegalArgumentException if the encoding is null or not 64 bytes
     * @throws IllegalStateException after {@link #destroy()}
     */
    public synchronized byte[] xonlyEcdh(byte[] theirEncoding64) {
        checkNotDestroyed();
        Secp256k1.requireLength(theirEncoding64, EllSwift.ENCODING_LENGTH, "their encoding");
        ECPoint shared = EllSwift.decodeToPoint(theirEncoding64).multiply(scalar()).normalize();
        if (shared.isInfinity()) { // impossible: prime order group and 0 < key < n
            throw new IllegalStateException("ECDH produced the point at infinity");
        }
        return shared.getAffineXCoord().getEncoded();
    }

    /**
     * BIP324 {@code v2_ecdh}: the tagged hash "bip324_ellswift_xonly_ecdh" of the initiator's
     * encoding, the responder's encoding and the x-only ECDH result. The intermediate X coordinate
     * is wiped.
     *
     * @param theirEncoding64 the peer's 64-byte encoding
     * @param initiating true if we opened the connection (our encoding goes first)
     * @return a new 32-byte shared secret; the caller should wipe it after key derivation
     * @throws IllegalArgumentException if the encoding is null or not 64 bytes
     * @throws IllegalStateException after {@link #destroy()}
     */
    public synchronized byte[] v2EcdhSecret(byte[] theirEncoding64, boolean initiating) {
        checkNotDestroyed();
        Secp256k1.requireLength(theirEncoding64, EllSwift.ENCODING_LENGTH, "their encoding");
        byte[] theirs = theirEncoding64.clone(); // hash exactly the bytes that were decoded
        byte[] sharedX = xonlyEcdh(theirs);
        try {
            return initiating
                    ? V2_ECDH_HASH.hash(encoding, theirs, sharedX)
                    : V2_ECDH_HASH.hash(theirs, encoding, sharedX);
        } finally {
            Arrays.fill(sharedX, (byte) 0);
        }
    }

    /** Zeroes the private key; later calls of other methods throw {@link IllegalStateException}. Idempotent. */
    @Override
    public synchronized void destroy() {
        Arrays.fill(privateKey, (byte) 0);
        destroyed = true;
    }

    @Override
    public synchronized boolean isDestroyed() {
        return destroyed;
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("key pair has been destroyed");
        }
    }

    private BigInteger scalar() {
        return new BigInteger(1, privateKey);
    }

    private static boolean isValidScalar(byte[] key32) {
        BigInteger k = new BigInteger(1, key32);
        return k.signum() > 0 && k.compareTo(Secp256k1.N) < 0;
    }

    /** X coordinate of key·G, by Bouncy Castle's fixed-point comb (table cached on G). */
    private static byte[] publicX(byte[] key32) {
        ECPoint p = new FixedPointCombMultiplier().multiply(Secp256k1.G, new BigInteger(1, key32)).normalize();
        return p.getAffineXCoord().getEncoded();
    }

    /** Never prints key material. */
    @Override
    public String toString() {
        return "EllSwiftKeyPair[" + (isDestroyed() ? "destroyed" : "active") + "]";
    }
}
