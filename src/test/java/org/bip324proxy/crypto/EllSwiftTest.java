package org.bip324proxy.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class EllSwiftTest {
    private static final byte[] P_BYTES = BigIntegers.asUnsignedByteArray(32, Secp256k1.P);

    /** Deterministic so that a failure can be replayed. */
    static SecureRandom seeded(long seed) {
        try {
            SecureRandom rng = SecureRandom.getInstance("SHA1PRNG");
            rng.setSeed(seed);
            return rng;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] randomCurveX(SecureRandom rng) {
        BigInteger k = BigIntegers.createRandomInRange(BigInteger.ONE, Secp256k1.N.subtract(BigInteger.ONE), rng);
        return Secp256k1.G.multiply(k).normalize().getAffineXCoord().getEncoded();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Smallest x >= 1 that is not the X coordinate of a curve point. */
    private static byte[] xNotOnCurve() {
        for (int i = 1; ; i++) {
            byte[] x = BigIntegers.asUnsignedByteArray(32, BigInteger.valueOf(i));
            if (Secp256k1.liftY(Secp256k1.fieldCanonical(x, "x")) == null) {
                return x;
            }
        }
    }

    @Test
    void encodeThenDecodeRoundTripsForManyKeys() {
        SecureRandom rng = seeded(1);
        for (int i = 0; i < 300; i++) {
            byte[] x = randomCurveX(rng);
            byte[] encoding = EllSwift.encode(x, rng);
            assertEquals(EllSwift.ENCODING_LENGTH, encoding.length);
            assertArrayEquals(x, EllSwift.decode(encoding), "round trip " + i);
        }
    }

    @Test
    void encodingsOfOneXDiffer() {
        SecureRandom rng = new SecureRandom();
        byte[] x = randomCurveX(rng);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            byte[] encoding = EllSwift.encode(x, rng);
            assertArrayEquals(x, EllSwift.decode(encoding));
            assertTrue(seen.add(Arrays.toString(encoding)), "encoding repeated");
        }
    }

    @Test
    void everyInverseDecodesBackAndEveryCaseIsReachable() {
        SecureRandom rng = seeded(2);
        int[] successes = new int[8];
        for (int i = 0; i < 200; i++) {
            byte[] x = randomCurveX(rng);
            byte[] u = new byte[32];
            rng.nextBytes(u);
            u[0] &= 0x7f; // below p, and with overwhelming probability non-zero
            Set<String> distinct = new HashSet<>();
            for (int kase = 0; kase < 8; kase++) {
                byte[] t = EllSwift.xswiftecInv(x, u, kase);
                if (t != null) {
                    successes[kase]++;
                    assertArrayEquals(x, EllSwift.decode(concat(u, t)), "case " + kase);
                    assertTrue(distinct.add(Arrays.toString(t)), "two cases gave the same t");
                }
            }
        }
        for (int kase = 0; kase < 8; kase++) {
            assertTrue(successes[kase] > 0, "case " + kase + " never succeeded");
        }
    }

    @Test
    void anyEncodingDecodesToACurvePoint() {
        SecureRandom rng = seeded(3);
        byte[] encoding = new byte[64];
        for (int i = 0; i < 200; i++) {
            rng.nextBytes(encoding);
            byte[] x = EllSwift.decode(encoding);
            assertEquals(32, x.length);
            assertNotNull(Secp256k1.liftY(Secp256k1.fieldCanonical(x, "x")), "decoded x not on the curve");
        }
    }

    @Test
    void decodeReducesBothHalvesModP() {
        // Values below 2^256 - p (about 2^32) still fit 32 bytes after adding p.
        SecureRandom rng = seeded(4);
        for (int i = 0; i < 20; i++) {
            BigInteger u = BigInteger.valueOf(rng.nextInt() & 0x7fffffffL);
            BigInteger t = BigInteger.valueOf(rng.nextInt() & 0x7fffffffL);
            byte[] expected = EllSwift.decode(concat(bytes32(u), bytes32(t)));
            assertArrayEquals(expected, EllSwift.decode(concat(bytes32(u.add(Secp256k1.P)), bytes32(t))));
            assertArrayEquals(expected, EllSwift.decode(concat(bytes32(u), bytes32(t.add(Secp256k1.P)))));
        }
    }

    private static byte[] bytes32(BigInteger value) {
        return BigIntegers.asUnsignedByteArray(32, value);
    }

    @Test
    void inverseOfXNotOnCurveIsNullAndEncodeRejectsIt() {
        byte[] x = xNotOnCurve();
        byte[] u = BigIntegers.asUnsignedByteArray(32, BigInteger.valueOf(12345));
        for (int kase = 0; kase < 8; kase++) {
            assertNull(EllSwift.xswiftecInv(x, u, kase));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EllSwift.encode(x, new SecureRandom()));
        assertTrue(e.getMessage().contains("not the X coordinate"), e.getMessage());
    }

    @Test
    void rejectsBadArguments() {
        byte[] x = randomCurveX(seeded(5));
        byte[] u = new byte[32];
        u[31] = 1;
        assertMessage("encoding must be 64 bytes, got 63", () -> EllSwift.decode(new byte[63]));
        assertMessage("encoding must be 64 bytes, got null", () -> EllSwift.decode(null));
        assertMessage("x must be 32 bytes, got 33", () -> EllSwift.xswiftecInv(new byte[33], u, 0));
        assertMessage("u must be 32 bytes, got 31", () -> EllSwift.xswiftecInv(x, new byte[31], 0));
        assertMessage("case must be in 0..7, got 8", () -> EllSwift.xswiftecInv(x, u, 8));
        assertMessage("case must be in 0..7, got -1", () -> EllSwift.xswiftecInv(x, u, -1));
        assertMessage("u must be non-zero", () -> EllSwift.xswiftecInv(x, new byte[32], 0));
        assertMessage("u must be below the field size p", () -> EllSwift.xswiftecInv(x, P_BYTES, 0));
        assertMessage("x must be below the field size p", () -> EllSwift.xswiftecInv(P_BYTES, u, 0));
        assertMessage("x must be below the field size p", () -> EllSwift.encode(P_BYTES, new SecureRandom()));
        assertMessage("x must be 32 bytes, got 0", () -> EllSwift.encode(new byte[0], new SecureRandom()));
        assertThrows(NullPointerException.class, () -> EllSwift.encode(x, null));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void decodeDoesNotModifyItsInput() {
        byte[] encoding = new byte[64];
        seeded(6).nextBytes(encoding);
        byte[] copy = encoding.clone();
        EllSwift.decode(encoding);
        assertArrayEquals(copy, encoding);
        assertFalse(Arrays.equals(new byte[64], encoding));
    }
}
