package org.bip324proxy.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class EllSwiftKeyPairTest {
    private static final SecureRandom RNG = new SecureRandom();

    @Test
    void initiatorAndResponderDeriveTheSameSecret() {
        SecureRandom rng = EllSwiftTest.seeded(10);
        for (int i = 0; i < 50; i++) {
            EllSwiftKeyPair initiator = EllSwiftKeyPair.generate(rng);
            EllSwiftKeyPair responder = EllSwiftKeyPair.generate(rng);
            byte[] a = initiator.v2EcdhSecret(responder.encoding(), true);
            byte[] b = responder.v2EcdhSecret(initiator.encoding(), false);
            assertArrayEquals(a, b, "pair " + i);
            assertArrayEquals(initiator.xonlyEcdh(responder.encoding()), responder.xonlyEcdh(initiator.encoding()));
            // Both claiming the same role puts the encodings in different orders.
            assertFalse(Arrays.equals(a, responder.v2EcdhSecret(initiator.encoding(), true)));
        }
    }

    @Test
    void encodingDecodesToPublicX() {
        EllSwiftKeyPair pair = EllSwiftKeyPair.generate(RNG);
        assertEquals(64, pair.encoding().length);
        assertArrayEquals(pair.publicX(), EllSwift.decode(pair.encoding()));
    }

    @Test
    void sameKeyGetsDifferentEncodingsAcrossCalls() {
        byte[] priv = randomPrivateKey();
        EllSwiftKeyPair pair = EllSwiftKeyPair.of(priv, encodingOf(priv));
        byte[] first = pair.encoding();
        byte[] second = EllSwift.encode(pair.publicX(), RNG);
        assertFalse(Arrays.equals(first, second));
        // Either encoding of the same key gives the same x-only ECDH result.
        EllSwiftKeyPair peer = EllSwiftKeyPair.generate(RNG);
        assertArrayEquals(peer.xonlyEcdh(first), peer.xonlyEcdh(second));
        assertArrayEquals(pair.publicX(), EllSwiftKeyPair.of(priv, second).publicX());
    }

    @Test
    void distinctGeneratedKeys() {
        assertFalse(Arrays.equals(EllSwiftKeyPair.generate(RNG).publicX(), EllSwiftKeyPair.generate(RNG).publicX()));
    }

    @Test
    void destroyMakesFurtherUseFail() {
        EllSwiftKeyPair pair = EllSwiftKeyPair.generate(RNG);
        byte[] theirs = EllSwiftKeyPair.generate(RNG).encoding();
        assertFalse(pair.isDestroyed());
        pair.destroy();
        assertTrue(pair.isDestroyed());
        assertThrows(IllegalStateException.class, () -> pair.xonlyEcdh(theirs));
        assertThrows(IllegalStateException.class, () -> pair.v2EcdhSecret(theirs, true));
        assertThrows(IllegalStateException.class, pair::encoding);
        assertThrows(IllegalStateException.class, pair::publicX);
        pair.destroy(); // idempotent
        assertTrue(pair.isDestroyed());
        assertEquals("EllSwiftKeyPair[destroyed]", pair.toString());
    }

    @Test
    void ofCopiesItsInputs() {
        byte[] priv = randomPrivateKey();
        byte[] encoding = encodingOf(priv);
        byte[] originalEncoding = encoding.clone();
        EllSwiftKeyPair pair = EllSwiftKeyPair.of(priv, encoding);
        byte[] theirs = EllSwiftKeyPair.generate(RNG).encoding();
        byte[] before = pair.xonlyEcdh(theirs);
        Arrays.fill(priv, (byte) 0);
        Arrays.fill(encoding, (byte) 0);
        assertArrayEquals(before, pair.xonlyEcdh(theirs));
        assertArrayEquals(originalEncoding, pair.encoding());
        pair.encoding()[0] ^= 1;
        pair.publicX()[0] ^= 1;
        assertArrayEquals(originalEncoding, pair.encoding());
        assertArrayEquals(EllSwift.decode(originalEncoding), pair.publicX());
    }

    @Test
    void ofRejectsBadInputs() {
        byte[] priv = randomPrivateKey();
        byte[] encoding = encodingOf(priv);
        assertArrayEquals(EllSwift.decode(encoding), EllSwiftKeyPair.of(priv, encoding).publicX());
        byte[] otherEncoding = EllSwiftKeyPair.generate(RNG).encoding();
        byte[] n = BigIntegers.asUnsignedByteArray(32, Secp256k1.N);
        assertMessage("private key must be 32 bytes, got 31", () -> EllSwiftKeyPair.of(new byte[31], encoding));
        assertMessage("encoding must be 64 bytes, got 65", () -> EllSwiftKeyPair.of(priv, new byte[65]));
        assertMessage("private key must be in 1..n-1", () -> EllSwiftKeyPair.of(new byte[32], encoding));
        assertMessage("private key must be in 1..n-1", () -> EllSwiftKeyPair.of(n, encoding));
        assertMessage("encoding does not decode to the private key's public X coordinate",
                () -> EllSwiftKeyPair.of(priv, otherEncoding));
        byte[] nMinusOne = BigIntegers.asUnsignedByteArray(32, Secp256k1.N.subtract(BigInteger.ONE));
        // n-1 is valid; its public key is -G, so any encoding of x(G) is accepted.
        byte[] xG = Secp256k1.G.normalize().getAffineXCoord().getEncoded();
        assertArrayEquals(xG, EllSwiftKeyPair.of(nMinusOne, EllSwift.encode(xG, RNG)).publicX());
    }

    @Test
    void ecdhRejectsBadLengths() {
        EllSwiftKeyPair pair = EllSwiftKeyPair.generate(RNG);
        assertMessage("their encoding must be 64 bytes, got 32", () -> pair.xonlyEcdh(new byte[32]));
        assertMessage("their encoding must be 64 bytes, got null", () -> pair.v2EcdhSecret(null, false));
    }

    @Test
    void ecdhWithTheGeneratorEncodingGivesPublicX() {
        // x(priv * G) via ECDH against an encoding of x(G) must equal our own public X.
        EllSwiftKeyPair pair = EllSwiftKeyPair.generate(RNG);
        byte[] xG = Secp256k1.G.normalize().getAffineXCoord().getEncoded();
        assertArrayEquals(pair.publicX(), pair.xonlyEcdh(EllSwift.encode(xG, RNG)));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    /** A random private key in 1..n-1, 32 bytes big-endian. */
    private static byte[] randomPrivateKey() {
        BigInteger k = BigIntegers.createRandomInRange(BigInteger.ONE, Secp256k1.N.subtract(BigInteger.ONE), RNG);
        return BigIntegers.asUnsignedByteArray(32, k);
    }

    /** A fresh encoding of x(priv * G), computed independently of EllSwiftKeyPair. */
    private static byte[] encodingOf(byte[] priv) {
        byte[] x = Secp256k1.G.multiply(new BigInteger(1, priv)).normalize().getAffineXCoord().getEncoded();
        return EllSwift.encode(x, RNG);
    }
}
