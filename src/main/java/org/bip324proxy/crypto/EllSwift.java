package org.bip324proxy.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;

import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECPoint;

/**
 * ElligatorSwift encoding of secp256k1 X coordinates, as specified in BIP324 section "ElligatorSwift
 * encoding of curve X coordinates": {@code XSwiftEC} ({@link #decode}), {@code XSwiftECInv}
 * ({@link #xswiftecInv}) and {@code XElligatorSwift} ({@link #encode}).
 *
 * <p>Stateless and thread-safe. Nothing here handles secrets: encodings and X coordinates are public
 * keys, so (as BIP324 notes) the code need not be constant time.
 */
public final class EllSwift {
    private EllSwift() {}

    /** Length in bytes of an encoding: u and t, each 32 bytes big-endian. */
    public static final int ENCODING_LENGTH = 64;

    /** c = sqrt(-3) mod p, the root that is itself a square (BIP324, constant c). */
    private static final ECFieldElement C = Secp256k1.CURVE.fromBigInteger(new BigInteger(
            "0a2d2ba93507f1df233770c2a797962cc61f6d15da14ecd47d8d27ae1cd5f852", 16));
    private static final ECFieldElement TWO = Secp256k1.ONE.add(Secp256k1.ONE);
    private static final ECFieldElement THREE = TWO.add(Secp256k1.ONE);
    private static final ECFieldElement FOUR = TWO.add(TWO);
    private static final ECFieldElement HALF = TWO.invert();
    /** (1 - c)/2 and (1 + c)/2, used by XSwiftECInv; their negations are used by XSwiftEC. */
    private static final ECFieldElement ONE_MINUS_C_HALF = Secp256k1.ONE.subtract(C).multiply(HALF);
    private static final ECFieldElement ONE_PLUS_C_HALF = Secp256k1.ONE.add(C).multiply(HALF);

    static {
        if (!C.square().negate().equals(THREE) || C.sqrt() == null) {
            throw new ExceptionInInitializerError("c is not the square sqrt(-3) mod p");
        }
    }

    /**
     * {@code XSwiftEC}: decodes any 64 bytes to an X coordinate of a secp256k1 point. Every 64-byte
     * string is a valid encoding; u and t are the two 32-byte big-endian halves, each reduced mod p.
     *
     * @param encoding64 the 64-byte encoding
     * @return a new 32-byte big-endian X coordinate (below p, on the curve)
     * @throws IllegalArgumentException if {@code encoding64} is null or not 64 bytes
     */
    public static byte[] decode(byte[] encoding64) {
        Secp256k1.requireLength(encoding64, ENCODING_LENGTH, "encoding");
        return xswiftec(encoding64)[0].getEncoded();
    }

    /**
     * {@code lift_x(XSwiftEC(u, t))} as a point (BIP324 {@code ellswift_ecdh_xonly}); which of the
     * two points with that X coordinate is returned is unspecified, as x-only ECDH ignores it.
     *
     * @param encoding64 64 bytes, length already checked
     */
    static ECPoint decodeToPoint(byte[] encoding64) {
        ECFieldElement[] xy = xswiftec(encoding64);
        return Secp256k1.point(xy[0], xy[1]);
    }

    /**
     * {@code XSwiftECInv(x, u, case)}: finds t such that {@code XSwiftEC(u, t) = x}. Each of the 8
     * cases selects a different candidate; for a given (x, u) no two cases return the same t.
     *
     * @param x32 32-byte big-endian X coordinate, below p
     * @param u32 32-byte big-endian u, in 1..p-1
     * @param kase the case, 0..7
     * @return a new 32-byte big-endian t below p, or null when this case has no solution (always null
     *     when x is not the X coordinate of a curve point, as {@code XSwiftEC} never yields such x)
     * @throws IllegalArgumentException on a wrong length, x &ge; p, u = 0 or u &ge; p, or a case
     *     outside 0..7
     */
    public static byte[] xswiftecInv(byte[] x32, byte[] u32, int kase) {
        Secp256k1.requireLength(x32, 32, "x");
        Secp256k1.requireLength(u32, 32, "u");
        if (kase < 0 || kase > 7) {
            throw new IllegalArgumentException("case must be in 0..7, got " + kase);
        }
        ECFieldElement x = Secp256k1.fieldCanonical(x32, "x");
        ECFieldElement u = Secp256k1.fieldCanonical(u32, "u");
        if (u.isZero()) {
            throw new IllegalArgumentException("u must be non-zero");
        }
        if (Secp256k1.liftY(x) == null) {
            return null;
        }
        ECFieldElement t = xswiftecInv(x, u, kase);
        return t == null ? null : t.getEncoded();
    }

    /**
     * {@code XElligatorSwift(x)}: a uniformly random encoding of x, drawing u uniformly from 1..p-1
     * and the case uniformly from 0..7 until {@code XSwiftECInv} succeeds (a few tries on average).
     *
     * @param x32 32-byte big-endian X coordinate of a secp256k1 point
     * @param rng source of randomness
     * @return a new 64-byte encoding u || t with {@code decode(result)} equal to x
     * @throws IllegalArgumentException on a wrong length, x &ge; p, or x not on the curve
     * @throws NullPointerException if {@code rng} is null
     */
    public static byte[] encode(byte[] x32, SecureRandom rng) {
        Secp256k1.requireLength(x32, 32, "x");
        Objects.requireNonNull(rng, "rng");
        ECFieldElement x = Secp256k1.fieldCanonical(x32, "x");
        if (Secp256k1.liftY(x) == null) {
            throw new IllegalArgumentException("x is not the X coordinate of a secp256k1 point");
        }
        while (true) {
            ECFieldElement u = Secp256k1.CURVE.randomFieldElement(rng); // uniform in 0..p-1
            if (u.isZero()) {
                continue;
            }
            ECFieldElement t = xswiftecInv(x, u, rng.nextInt(8));
            if (t != null) {
                byte[] encoding = new byte[ENCODING_LENGTH];
                u.encodeTo(encoding, 0);
                t.encodeTo(encoding, 32);
                return encoding;
            }
        }
    }

    /**
     * XSwiftEC on u = enc[0..32) mod p and t = enc[32..64) mod p, returning {x, y} with y^2 = x^3 + 7.
     *
     * <p>With s = t^2 and g = u^3 + 7 the BIP's X and Y drop out: Y^2 = -(g+s)^2/(12 s u^2) and
     * X/Y = c u (g-s)/(g+s). The candidates, in the BIP's order, become
     * x3 = u + 4Y^2 = (3 s u^3 - (g+s)^2)/(3 s u^2), x2 = (-X/Y - u)/2 = -u((1-c)/2 s + (1+c)/2 g)/(g+s)
     * and x1 = (X/Y - u)/2 = -(x2 + u). Each is tested as a fraction n/d, so only the winner is
     * inverted.
     */
    private static ECFieldElement[] xswiftec(byte[] enc) {
        ECFieldElement u = Secp256k1.fieldModP(enc, 0);
        ECFieldElement t = Secp256k1.fieldModP(enc, 32);
        // Alter the inputs so that an X coordinate exists (BIP324 XSwiftEC, first step).
        if (u.isZero()) {
            u = Secp256k1.ONE;
        }
        ECFieldElement s = t.isZero() ? Secp256k1.ONE : t.square();
        ECFieldElement u2 = u.square();
        ECFieldElement g = u2.multiply(u).add(Secp256k1.B);
        ECFieldElement gs = g.add(s);
        if (gs.isZero()) { // u^3 + t^2 + 7 = 0: t = 2t, so s = 4s
            s = s.multiply(FOUR);
            gs = g.add(s);
        }

        // Candidate x3 = n/d. d != 0 as s and u are non-zero.
        ECFieldElement d = s.multiply(u2).multiply(THREE);
        ECFieldElement n = d.multiply(u).subtract(gs.square());
        ECFieldElement[] xy = liftFraction(n, d);
        if (xy != null) {
            return xy;
        }
        // Candidate x2 = n/gs. gs != 0: if g + s was 0, g + 4s = 3s is not.
        n = u.multiply(ONE_MINUS_C_HALF.multiply(s).add(ONE_PLUS_C_HALF.multiply(g))).negate();
        xy = liftFraction(n, gs);
        if (xy != null) {
            return xy;
        }
        // Candidate x1 = -(x2 + u); the BIP guarantees it lies on the curve.
        xy = liftFraction(n.add(u.multiply(gs)).negate(), gs);
        if (xy == null) {
            throw new AssertionError("XSwiftEC found no X coordinate");
        }
        return xy;
    }

    /**
     * For d != 0: if x = n/d is the X coordinate of a point, returns {x, y} with y^2 = x^3 + 7,
     * otherwise null. Uses x^3 + 7 = (n^3 + 7 d^3) d / d^4, so with w = sqrt((n^3 + 7 d^3) d) the
     * point is (n/d, w/d^2) and one inversion of d is only paid on success.
     */
    private static ECFieldElement[] liftFraction(ECFieldElement n, ECFieldElement d) {
        ECFieldElement d2 = d.square();
        ECFieldElement w = n.square().multiply(n).add(Secp256k1.B.multiply(d2).multiply(d)).multiply(d).sqrt();
        if (w == null) {
            return null;
        }
        ECFieldElement dInv = d.invert();
        return new ECFieldElement[] {n.multiply(dInv), w.multiply(dInv.square())};
    }

    /**
     * XSwiftECInv for field elements; x must be on the curve and u non-zero.
     * Returns t, or null when this case has no solution.
     */
    static ECFieldElement xswiftecInv(ECFieldElement x, ECFieldElement u, int kase) {
        ECFieldElement s;
        ECFieldElement v;
        ECFieldElement w;
        if ((kase & 2) == 0) {
            // An encoding found here would decode through x3 instead (x3 is tried first).
            if (Secp256k1.liftY(x.add(u).negate()) != null) {
                return null;
            }
            ECFieldElement g = u.square().multiply(u).add(Secp256k1.B);
            // u^2 + ux + x^2 != 0 for x on the curve when -x-u is not (see libsecp256k1's proof).
            ECFieldElement q = u.square().add(u.multiply(x)).add(x.square());
            if (q.isZero()) {
                return null;
            }
            s = g.multiply(q.invert()).negate();
            v = x;
            w = s.sqrt();
            if (w == null) {
                return null;
            }
        } else {
            s = x.subtract(u);
            if (s.isZero()) {
                return null;
            }
            w = s.sqrt(); // tested before r: cheaper to fail on, and needed anyway
            if (w == null) {
                return null;
            }
            ECFieldElement u2 = u.square();
            ECFieldElement g4 = u2.multiply(u).add(Secp256k1.B).multiply(FOUR);
            ECFieldElement r = s.multiply(g4.add(THREE.multiply(u2).multiply(s))).negate().sqrt();
            if (r == null || ((kase & 1) == 1 && r.isZero())) {
                return null;
            }
            v = r.multiply(s.invert()).subtract(u).multiply(HALF);
        }
        // Cases with (case & 1) = 1 use (1 + c)/2, the others (1 - c)/2; cases 0 and 5 negate w.
        ECFieldElement t = w.multiply(u.multiply((kase & 1) == 0 ? ONE_MINUS_C_HALF : ONE_PLUS_C_HALF).add(v));
        int signCase = kase & 5;
        return (signCase == 0 || signCase == 5) ? t.negate() : t;
    }
}
