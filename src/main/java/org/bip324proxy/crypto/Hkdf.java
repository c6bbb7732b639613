package org.bip324proxy.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF-SHA256 (RFC 5869), limited to the 32-byte outputs BIP324's key schedule needs. */
public final class Hkdf {
    public static final int HASH_LEN = 32;
    private static final String HMAC = "HmacSHA256";

    private Hkdf() {}

    /** HKDF-Extract: PRK = HMAC-SHA256(salt, ikm). */
    public static byte[] extract(byte[] salt, byte[] ikm) {
        return hmac(salt, ikm, null);
    }

    /** HKDF-Expand with L = 32: T(1) = HMAC-SHA256(prk, info ‖ 0x01). */
    public static byte[] expand32(byte[] prk, byte[] info) {
        return hmac(prk, info, (byte) 1);
    }

    private static byte[] hmac(byte[] key, byte[] data, Byte suffix) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            mac.update(data);
            if (suffix != null) {
                mac.update(suffix);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
