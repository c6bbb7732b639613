package org.bip324proxy.v2;

import org.bip324proxy.bytes.Endian;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.crypto.FsChaCha20;
import org.bip324proxy.crypto.FsChaCha20Poly1305;

/**
 * Encrypts and decrypts BIP324 packets for one side of a session (Bitcoin Core's BIP324Cipher).
 * A packet is {@code LENGTH_LEN} encrypted length bytes (FSChaCha20) followed by the
 * FSChaCha20Poly1305 encryption of {@code header ‖ contents} (BIP324, "Overall packet encryption
 * and decryption pseudocode"). Every call advances the cipher state, so each packet must be
 * encrypted, and its length and body decrypted, exactly once and in order.
 */
public final class PacketCipher {
    /** Bytes of the encrypted contents length. */
    public static final int LENGTH_LEN = 3;
    /** Bytes of the header (flags) inside the AEAD plaintext. */
    public static final int HEADER_LEN = 1;
    /** Bytes of the Poly1305 tag after the encrypted header and contents. */
    public static final int TAG_LEN = FsChaCha20Poly1305.TAG_LEN;
    /** Bytes a packet adds to its contents: length, header and Poly1305 tag. */
    public static final int EXPANSION = LENGTH_LEN + HEADER_LEN + TAG_LEN;
    /** Header bit that marks a decoy packet, to be ignored by the receiver. */
    public static final int IGNORE_BIT = 0x80;
    /** Largest contents length the 3-byte field can express. */
    public static final int MAX_CONTENTS_LEN = (1 << 24) - 1;

    private final FsChaCha20 sendL;
    private final FsChaCha20Poly1305 sendP;
    private final FsChaCha20 recvL;
    private final FsChaCha20Poly1305 recvP;
    private final byte[] sendGarbageTerminator;
    private final byte[] recvGarbageTerminator;
    private final byte[] sessionId;

    /** Builds the ciphers of the given role from derived keys (the keys are then wiped). */
    public PacketCipher(SessionKeys keys, boolean initiator, AeadBackend backend) {
        sendL = new FsChaCha20(initiator ? keys.initiatorL : keys.responderL);
        sendP = new FsChaCha20Poly1305(initiator ? keys.initiatorP : keys.responderP, backend.create());
        recvL = new FsChaCha20(initiator ? keys.responderL : keys.initiatorL);
        recvP = new FsChaCha20Poly1305(initiator ? keys.responderP : keys.initiatorP, backend.create());
        sendGarbageTerminator = (initiator ? keys.initiatorGarbageTerminator : keys.responderGarbageTerminator).clone();
        recvGarbageTerminator = (initiator ? keys.responderGarbageTerminator : keys.initiatorGarbageTerminator).clone();
        sessionId = keys.sessionId();
        keys.destroy();
    }

    public byte[] sessionId() {
        return sessionId.clone();
    }

    public byte[] sendGarbageTerminator() {
        return sendGarbageTerminator.clone();
    }

    public byte[] recvGarbageTerminator() {
        return recvGarbageTerminator.clone();
    }

    /**
     * Encrypts a packet whose contents already sit in {@code buf[contentsOff..contentsOff+len)},
     * in place: the {@code LENGTH_LEN + HEADER_LEN} bytes before the contents and the 16 bytes
     * after them must be free. The packet then occupies
     * {@code buf[contentsOff-4 .. contentsOff+len+16)}.
     *
     * @return the offset where the packet starts ({@code contentsOff - 4})
     */
    public int encryptInPlace(byte[] buf, int contentsOff, int len, byte[] aad, boolean ignore) {
        checkContentsLength(len);
        int headerOff = contentsOff - HEADER_LEN;
        int packetOff = headerOff - LENGTH_LEN;
        buf[headerOff] = (byte) (ignore ? IGNORE_BIT : 0);
        sendP.encrypt(aad, buf, headerOff, HEADER_LEN + len, buf, headerOff);
        writeLength(buf, packetOff, len);
        return packetOff;
    }

    /** Encrypts {@code contents} into a new array of {@code len + EXPANSION} bytes. */
    public byte[] encrypt(byte[] contents, int off, int len, byte[] aad, boolean ignore) {
        byte[] packet = new byte[len + EXPANSION];
        System.arraycopy(contents, off, packet, LENGTH_LEN + HEADER_LEN, len);
        encryptInPlace(packet, LENGTH_LEN + HEADER_LEN, len, aad, ignore);
        return packet;
    }

    private void writeLength(byte[] buf, int off, int len) {
        Endian.putLe24(buf, off, len);
        sendL.crypt(buf, off, LENGTH_LEN);
    }

    /**
     * Decrypts the 3-byte length field at {@code buf[off]} (in place) and returns the contents
     * length. Call exactly once per packet: the length keystream is continuous.
     */
    public int decryptLength(byte[] buf, int off) {
        recvL.crypt(buf, off, LENGTH_LEN);
        return Endian.le24(buf, off);
    }

    /**
     * Authenticates and decrypts, in place, the packet body {@code buf[off .. off + HEADER_LEN +
     * contentsLen + 16)} that follows a length field. On success the header byte is at
     * {@code buf[off]} and the contents follow it.
     *
     * @return the header byte (0..255), or -1 if authentication failed (the session is then dead)
     */
    public int decryptInPlace(byte[] buf, int off, int contentsLen, byte[] aad) {
        int bodyLen = HEADER_LEN + contentsLen + TAG_LEN;
        if (!recvP.decrypt(aad, buf, off, bodyLen, buf, off)) {
            return -1;
        }
        return buf[off] & 0xff;
    }

    private static void checkContentsLength(int len) {
        if (len < 0 || len > MAX_CONTENTS_LEN) {
            throw new IllegalArgumentException("packet contents length " + len + " outside 0.." + MAX_CONTENTS_LEN);
        }
    }

    /** Wipes all keys; the cipher must not be used afterwards. */
    public void destroy() {
        sendL.destroy();
        sendP.destroy();
        recvL.destroy();
        recvP.destroy();
    }
}
