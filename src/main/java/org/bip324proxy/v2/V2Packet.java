package org.bip324proxy.v2;

/**
 * A received, authenticated and decrypted application packet: its contents are
 * {@code array[offset .. offset+length)}. The array belongs to the caller from now on; the bytes
 * before {@code offset} are free space (at least the headroom the transport was built with).
 */
public record V2Packet(byte[] array, int offset, int length) {}
