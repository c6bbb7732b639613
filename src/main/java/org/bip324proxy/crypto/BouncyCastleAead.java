package org.bip324proxy.crypto;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/** {@link Aead} on Bouncy Castle's pure-Java ChaCha20-Poly1305 (the fallback backend). */
final class BouncyCastleAead implements Aead {
    private final ChaCha20Poly1305 cipher = new ChaCha20Poly1305();
    private KeyParameter key;

    @Override
    public void setKey(byte[] newKey) {
        key = new KeyParameter(newKey, 0, KEY_LEN);
    }

    @Override
    public void seal(byte[] nonce, byte[] aad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        cipher.init(true, new AEADParameters(requireKey(), TAG_LEN * 8, nonce, aad));
        int n = cipher.processBytes(in, inOff, len, out, outOff);
        try {
            cipher.doFinal(out, outOff + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
        }
    }

    @Override
    public boolean open(byte[] nonce, byte[] aad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        cipher.init(false, new AEADParameters(requireKey(), TAG_LEN * 8, nonce, aad));
        int n = cipher.processBytes(in, inOff, len, out, outOff);
        try {
            cipher.doFinal(out, outOff + n);
            return true;
        } catch (InvalidCipherTextException e) {
            return false;
        }
    }

    private KeyParameter requireKey() {
        if (key == null) {
            throw new IllegalStateException("no key set");
        }
        return key;
    }

    @Override
    public void destroy() {
        if (key != null) {
            java.util.Arrays.fill(key.getKey(), (byte) 0);
            key = null;
        }
    }
}
