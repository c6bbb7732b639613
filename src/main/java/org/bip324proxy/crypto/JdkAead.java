package org.bip324proxy.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@link Aead} on the JDK's own {@code ChaCha20-Poly1305} cipher, which JDK 20+ runs on vector
 * intrinsics (AVX2/AVX-512); even without them (JDK 17) it beats Bouncy Castle here.
 */
final class JdkAead implements Aead {
    private static final String ALGORITHM = "ChaCha20-Poly1305";
    private final Cipher cipher;
    private SecretKeySpec key;

    JdkAead() {
        try {
            cipher = Cipher.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no " + ALGORITHM + " cipher", e);
        }
    }

    /** True if this JDK provides {@code ChaCha20-Poly1305} (every JDK from 11 on does, unless stripped). */
    static boolean isAvailable() {
        try {
            Cipher.getInstance(ALGORITHM);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public void setKey(byte[] newKey) {
        key = new SecretKeySpec(newKey, 0, KEY_LEN, "ChaCha20");
    }

    @Override
    public void seal(byte[] nonce, byte[] aad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        try {
            init(Cipher.ENCRYPT_MODE, nonce);
            if (aad.length > 0) {
                cipher.updateAAD(aad);
            }
            cipher.doFinal(in, inOff, len, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
        }
    }

    @Override
    public boolean open(byte[] nonce, byte[] aad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        try {
            init(Cipher.DECRYPT_MODE, nonce);
            if (aad.length > 0) {
                cipher.updateAAD(aad);
            }
            cipher.doFinal(in, inOff, len, out, outOff);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 decryption failed", e);
        }
    }

    private void init(int mode, byte[] nonce) throws InvalidKeyException, GeneralSecurityException {
        if (key == null) {
            throw new IllegalStateException("no key set");
        }
        AlgorithmParameterSpec iv = new IvParameterSpec(nonce);
        cipher.init(mode, key, iv);
    }

    @Override
    public void destroy() {
        key = null; // SecretKeySpec cannot be wiped on JDK 17; drop the only reference
    }
}
