package org.bip324proxy.relay;

import java.nio.ByteBuffer;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v2.MessageTypes;
import org.bip324proxy.v2.PacketCipher;
import org.bip324proxy.v2.V2Transport;

/**
 * Turns v1 messages into BIP324 packets without copying the payload: the message type, packet
 * header and encrypted length are written into the free space before the payload and the tag
 * after it, and the AEAD encrypts in place (BIP324, "v2 Bitcoin P2P message structure"). Only a
 * message whose checksum has not been verified yet is encrypted into a copy.
 */
public final class V1ToV2 {
    /** Free bytes a v1 decoder must leave before each payload: length, header, long-form type. */
    public static final int HEADROOM = PacketCipher.LENGTH_LEN + PacketCipher.HEADER_LEN + MessageTypes.LONG_FORM_LEN;
    /** Free bytes a v1 decoder must leave after each payload: the Poly1305 tag. */
    public static final int TAILROOM = PacketCipher.TAG_LEN;

    private final V2Transport transport;

    public V1ToV2(V2Transport transport) {
        this.transport = transport;
    }

    /**
     * Encrypts {@code message} (decoded with {@link #HEADROOM} and {@link #TAILROOM}) into one
     * packet and returns the packet's bytes: a view of the message's own array, or a new array if
     * the message's checksum is still to be verified (its payload must then stay as it is).
     */
    public ByteBuffer translate(V1Message message) {
        byte[] buf = message.array();
        int payloadEnd = message.offset() + message.length();
        int typeStart = MessageTypes.writeBefore(message.command(), buf, message.offset());
        if (message.unverifiedChecksum().isPresent()) {
            return ByteBuffer.wrap(transport.encrypt(buf, typeStart, payloadEnd - typeStart, false));
        }
        int packetStart = transport.encryptInPlace(buf, typeStart, payloadEnd - typeStart, false);
        return ByteBuffer.wrap(buf, packetStart, payloadEnd + PacketCipher.TAG_LEN - packetStart);
    }
}
