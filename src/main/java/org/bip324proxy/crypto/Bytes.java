package org.bip324proxy.crypto;

import java.util.Arrays;

/** Wiping helpers shared by the cipher classes (byte order: {@link org.bip324proxy.bytes.Endian}). */
final class Bytes {
    private Bytes() {}

    /** Overwrites secret material; a best effort, as the JVM may have copied it elsewhere. */
    static void wipe(byte[]... arrays) {
        for (byte[] a : arrays) {
            if (a != null) {
                Arrays.fill(a, (byte) 0);
            }
        }
    }

    static void wipe(int[] a) {
        Arrays.fill(a, 0);
    }
}
