package org.bip324proxy.bytes;

import java.nio.ByteBuffer;

/**
 * Fixed-width integers in byte arrays, the one home for byte order. Bitcoin's integers are
 * little-endian on the wire (v1 header length, VERSION fields; BIP324's 3-byte packet length
 * and AEAD nonces; RFC 8439's ChaCha20 words); the v1 magic and checksum are compared as bytes in
 * wire order, here packed big-endian, and ports in addresses are big-endian (network order).
 * Hex text: {@link java.util.HexFormat}.
 */
public final class Endian {
    private Endian() {}

    /** The little-endian 32-bit integer at {@code a[off]}. */
    public static int le32(byte[] a, int off) {
        return (a[off] & 0xFF) | (a[off + 1] & 0xFF) << 8 | (a[off + 2] & 0xFF) << 16 | (a[off + 3] & 0xFF) << 24;
    }

    /** The little-endian 32-bit integer at absolute {@code index} of {@code b}, whatever its order. */
    public static int le32(ByteBuffer b, int index) {
        return (b.get(index) & 0xFF) | (b.get(index + 1) & 0xFF) << 8 | (b.get(index + 2) & 0xFF) << 16
                | (b.get(index + 3) & 0xFF) << 24;
    }

    public static void putLe32(byte[] a, int off, int v) {
        a[off] = (byte) v;
        a[off + 1] = (byte) (v >>> 8);
        a[off + 2] = (byte) (v >>> 16);
        a[off + 3] = (byte) (v >>> 24);
    }

    /** The little-endian 24-bit unsigned integer at {@code a[off]} (BIP324's packet length). */
    public static int le24(byte[] a, int off) {
        return (a[off] & 0xFF) | (a[off + 1] & 0xFF) << 8 | (a[off + 2] & 0xFF) << 16;
    }

    /** Writes the low 24 bits of {@code v}, little-endian. */
    public static void putLe24(byte[] a, int off, int v) {
        a[off] = (byte) v;
        a[off + 1] = (byte) (v >>> 8);
        a[off + 2] = (byte) (v >>> 16);
    }

    public static void putLe64(byte[] a, int off, long v) {
        putLe32(a, off, (int) v);
        putLe32(a, off + 4, (int) (v >>> 32));
    }

    /** The big-endian 32-bit integer at {@code a[off]}. */
    public static int be32(byte[] a, int off) {
        return (a[off] & 0xFF) << 24 | (a[off + 1] & 0xFF) << 16 | (a[off + 2] & 0xFF) << 8 | (a[off + 3] & 0xFF);
    }

    /** The big-endian 32-bit integer at absolute {@code index} of {@code b}, whatever its order. */
    public static int be32(ByteBuffer b, int index) {
        return (b.get(index) & 0xFF) << 24 | (b.get(index + 1) & 0xFF) << 16 | (b.get(index + 2) & 0xFF) << 8
                | (b.get(index + 3) & 0xFF);
    }

    public static void putBe32(byte[] a, int off, int v) {
        a[off] = (byte) (v >>> 24);
        a[off + 1] = (byte) (v >>> 16);
        a[off + 2] = (byte) (v >>> 8);
        a[off + 3] = (byte) v;
    }

    /** The big-endian 16-bit unsigned integer at {@code a[off]} (a port, an IPv6 group). */
    public static int be16(byte[] a, int off) {
        return (a[off] & 0xFF) << 8 | (a[off + 1] & 0xFF);
    }
}
