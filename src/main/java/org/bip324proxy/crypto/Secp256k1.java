package org.bip324proxy.crypto;

import java.math.BigInteger;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The secp256k1 curve (Bouncy Castle's custom implementation, with its GLV endomorphism) and the
 * few conversions between 32-byte big-endian strings and field elements that BIP324 needs.
 * Package-private plumbing for {@link EllSwift} and {@link EllSwiftKeyPair}.
 */
final class Secp256k1 {
    private Secp256k1() {}

    private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256k1");

    static final ECCurve CURVE = PARAMS.getCurve();
    static final ECPoint G = PARAMS.getG();
    /** Group order n. */
    static final BigInteger N = PARAMS.getN();
    /** Field size p. */
    static final BigInteger P = CURVE.getField().getCharacteristic();

    static final ECFieldElement ONE = CURVE.fromBigInteger(BigInteger.ONE);
    /** The curve constant b = 7 of y^2 = x^3 + 7. */
    static final ECFieldElement B = CURVE.getB();

    /** Field element of the 32-byte big-endian integer at {@code bytes[offset..offset+32)}, reduced mod p. */
    static ECFieldElement fieldModP(byte[] bytes, int offset) {
        return CURVE.fromBigInteger(new BigInteger(1, bytes, offset, 32).mod(P));
    }

    /**
     * Field element of a 32-byte big-endian integer that must already be below p.
     *
     * @throws IllegalArgumentException if the value is p or more
     */
    static ECFieldElement fieldCanonical(byte[] bytes32, String name) {
        BigInteger value = new BigInteger(1, bytes32);
        if (value.compareTo(P) >= 0) {
            throw new IllegalArgumentException(name + " must be below the field size p");
        }
        return CURVE.fromBigInteger(value);
    }

    /**
     * BIP340 {@code lift_x} without the point: "the" square root of x^3 + 7 (the one that is itself
     * a square, as Bouncy Castle computes it), or null when x is not the X coordinate of a point.
     */
    static ECFieldElement liftY(ECFieldElement x) {
        return x.square().multiply(x).add(B).sqrt();
    }

    /** The affine point (x, y); the caller guarantees it is on the curve. */
    static ECPoint point(ECFieldElement x, ECFieldElement y) {
        return CURVE.createPoint(x.toBigInteger(), y.toBigInteger());
    }

    /** Throws a uniform message when {@code bytes} is null or not {@code length} bytes long. */
    static void requireLength(byte[] bytes, int length, String name) {
        if (bytes == null) {
            throw new IllegalArgumentException(name + " must be " + length + " bytes, got null");
        }
        if (bytes.length != length) {
            throw new IllegalArgumentException(name + " must be " + length + " bytes, got " + bytes.length);
        }
    }
}
