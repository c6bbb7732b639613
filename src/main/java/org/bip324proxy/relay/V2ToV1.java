package org.bip324proxy.relay;

import java.nio.ByteBuffer;
import org.bip324proxy.v1.DeferredChecksum;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.V1Protocol;
import org.bip324proxy.v2.MessageTypes;
import org.bip324proxy.v2.PacketCipher;
import org.bip324proxy.v2.V2Packet;

/**
 * Turns received BIP324 application packets into v1 frames without copying the payload: the
 * 24-byte v1 header (with a freshly computed checksum) is written over the packet header and
 * message type in front of the payload. Packets whose message type is unknown (short IDs 29+)
 * or malformed are dropped and counted, as Bitcoin Core does.
 */
public final class V2ToV1 {
    /**
     * Free bytes a V2Transport must leave before each packet's contents so that the v1 header fits
     * in front of the payload (the payload starts at least header + 1-byte type after them).
     */
    public static final int RECEIVE_HEADROOM = V1Protocol.HEADER_SIZE - PacketCipher.HEADER_LEN - 1;

    private final V1FrameEncoder encoder;
    private final int deferChecksumsFrom;
    private DeferredChecksum pendingChecksum;
    private long unknownShortIds;
    private long malformedTypes;
    private String lastCommand;

    /**
     * Leaves the checksum of payloads of at least {@code deferChecksumsFrom} bytes to a
     * {@link #pendingChecksum()} job, so it can be computed off the event loop.
     */
    public V2ToV1(V1FrameEncoder encoder, int deferChecksumsFrom) {
        this.encoder = encoder;
        this.deferChecksumsFrom = deferChecksumsFrom;
    }

    /**
     * Returns the v1 frame for {@code packet} (a view of the packet's own array), or null if the
     * packet was dropped.
     *
     * @throws OversizedPayloadException if the payload exceeds what a v1 peer accepts
     */
    public ByteBuffer translate(V2Packet packet) throws OversizedPayloadException {
        pendingChecksum = null;
        byte[] buf = packet.array();
        int contentsEnd = packet.offset() + packet.length();
        if (packet.length() == 0) {
            malformedTypes++;
            return null;
        }
        int first = buf[packet.offset()] & 0xff;
        String command;
        int payloadOff;
        if (first != 0) {
            command = MessageTypes.command(first);
            if (command == null) {
                unknownShortIds++;
                return null;
            }
            payloadOff = packet.offset() + 1;
        } else {
            command = packet.length() >= MessageTypes.LONG_FORM_LEN ? V1Protocol.parseCommand(buf, packet.offset() + 1) : null;
            if (command == null) {
                malformedTypes++;
                return null;
            }
            payloadOff = packet.offset() + MessageTypes.LONG_FORM_LEN;
        }
        int payloadLen = contentsEnd - payloadOff;
        if (payloadLen > V1Protocol.MAX_PROTOCOL_MESSAGE_LENGTH) {
            throw new OversizedPayloadException(command, payloadLen);
        }
        int headerOff = payloadOff - V1Protocol.HEADER_SIZE;
        if (payloadLen >= deferChecksumsFrom) {
            pendingChecksum = encoder.writeHeaderDeferringChecksum(command, buf, payloadOff, payloadLen, buf, headerOff);
        } else {
            encoder.writeHeader(command, buf, payloadOff, payloadLen, buf, headerOff);
        }
        lastCommand = command;
        return ByteBuffer.wrap(buf, headerOff, V1Protocol.HEADER_SIZE + payloadLen);
    }

    /**
     * The job that completes the checksum of the frame {@link #translate} returned last, or null if
     * that frame is complete. The frame must not be sent before the job has run.
     */
    public DeferredChecksum pendingChecksum() {
        return pendingChecksum;
    }

    /** The command of the frame {@link #translate} returned last. */
    public String lastCommand() {
        return lastCommand;
    }

    /** Packets dropped because their short ID is not one this proxy knows (29 and above). */
    public long unknownShortIds() {
        return unknownShortIds;
    }

    /** Packets dropped because their message type was empty or not a valid v1 command. */
    public long malformedTypes() {
        return malformedTypes;
    }

    /** A v2 peer sent a payload larger than the v1 protocol allows (4,000,000 bytes). */
    public static final class OversizedPayloadException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient CloseCause.OversizedV2Message cause;

        OversizedPayloadException(String command, int length) {
            this(new CloseCause.OversizedV2Message(command, length, V1Protocol.MAX_PROTOCOL_MESSAGE_LENGTH));
        }

        private OversizedPayloadException(CloseCause.OversizedV2Message cause) {
            super(cause.describe());
            this.cause = cause;
        }

        /** The close cause this failure is. */
        public CloseCause.OversizedV2Message cause() {
            return cause;
        }
    }
}
