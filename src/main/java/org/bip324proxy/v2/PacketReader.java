package org.bip324proxy.v2;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reassembles and decrypts received BIP324 packets (BIP324, "Overall packet encryption and
 * decryption pseudocode") from bytes arriving in arbitrary chunks. The length field is decrypted
 * exactly once per packet; a packet's buffer starts at {@value V2Transport#INITIAL_PACKET_ALLOCATION}
 * bytes at most and doubles as its bytes arrive, never beyond its real size.
 */
final class PacketReader {
    private static final byte[] NO_AAD = new byte[0];

    private final PacketCipher cipher;
    private final int headroom;
    /** AAD of the first packet (the peer's garbage); null once that packet was read. */
    private byte[] firstPacketAad;

    private final byte[] lengthField = new byte[PacketCipher.LENGTH_LEN];
    private int lengthFieldLen;
    private byte[] packet;
    private int contentsLen;
    /** Header, contents and tag of the packet being received. */
    private int bodyLen;
    private int filled;

    /**
     * @param headroom free bytes to leave before each packet's contents
     * @param firstPacketAad the peer's garbage, authenticated with its first packet
     */
    PacketReader(PacketCipher cipher, int headroom, byte[] firstPacketAad) {
        this.cipher = cipher;
        this.headroom = headroom;
        this.firstPacketAad = firstPacketAad;
    }

    /**
     * Reads and decrypts one packet; returns its header byte, or -1 when {@code in} ran out first.
     * After a header is returned, {@link #takePacket()} hands out the contents.
     */
    int read(ByteBuffer in) throws V2ProtocolException {
        if (packet == null) {
            int n = Math.min(PacketCipher.LENGTH_LEN - lengthFieldLen, in.remaining());
            in.get(lengthField, lengthFieldLen, n);
            lengthFieldLen += n;
            if (lengthFieldLen < PacketCipher.LENGTH_LEN) {
                return -1;
            }
            lengthFieldLen = 0;
            contentsLen = cipher.decryptLength(lengthField, 0);
            if (contentsLen > V2Transport.MAX_CONTENTS_LEN) {
                throw new V2ProtocolException(V2ProtocolException.Reason.OVERSIZED_PACKET,
                        "packet contents of " + contentsLen + " bytes exceed the limit of "
                                + V2Transport.MAX_CONTENTS_LEN + " bytes");
            }
            bodyLen = PacketCipher.HEADER_LEN + contentsLen + PacketCipher.TAG_LEN;
            packet = new byte[headroom + Math.min(bodyLen, V2Transport.INITIAL_PACKET_ALLOCATION)];
            filled = 0;
        }
        int n = Math.min(bodyLen - filled, in.remaining());
        grow(filled + n);
        in.get(packet, headroom + filled, n);
        filled += n;
        if (filled < bodyLen) {
            return -1;
        }
        byte[] aad = firstPacketAad != null ? firstPacketAad : NO_AAD;
        int header = cipher.decryptInPlace(packet, headroom, contentsLen, aad);
        if (header < 0) {
            throw new V2ProtocolException(V2ProtocolException.Reason.AUTHENTICATION_FAILED,
                    "packet of " + contentsLen + " content bytes failed authentication"
                            + (firstPacketAad != null ? " (first packet: garbage or keys do not match)" : ""));
        }
        firstPacketAad = null;
        return header;
    }

    /** The contents of the packet whose header {@link #read} just returned; forgets the packet. */
    V2Packet takePacket() {
        V2Packet contents = new V2Packet(packet, headroom + PacketCipher.HEADER_LEN, contentsLen);
        packet = null;
        return contents;
    }

    /** Makes room for {@code needed} body bytes: doubling, never beyond the packet's real size. */
    private void grow(int needed) {
        int capacity = packet.length - headroom;
        if (needed > capacity) {
            int grown = (int) Math.min(bodyLen, Math.max(needed, 2L * capacity));
            packet = Arrays.copyOf(packet, headroom + grown);
        }
    }

    /** True when no part of a packet is buffered. */
    boolean atPacketBoundary() {
        return packet == null && lengthFieldLen == 0;
    }

    /** Bytes of the partial packet's buffer (for memory accounting). */
    int bufferedBytes() {
        return packet == null ? 0 : packet.length;
    }
}
