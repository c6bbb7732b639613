package org.bip324proxy.v1;

import static org.bip324proxy.v1.V1Protocol.CHECKSUM_OFFSET;
import static org.bip324proxy.v1.V1Protocol.COMMAND_OFFSET;
import static org.bip324proxy.v1.V1Protocol.COMMAND_SIZE;
import static org.bip324proxy.v1.V1Protocol.HEADER_SIZE;
import static org.bip324proxy.v1.V1Protocol.LENGTH_OFFSET;
import static org.bip324proxy.v1.V1Protocol.MAX_PROTOCOL_MESSAGE_LENGTH;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.bip324proxy.bytes.Endian;
import org.bip324proxy.v1.V1ProtocolException.Reason;

/**
 * Incremental (sans-I/O) decoder of a v1 P2P byte stream into {@link V1Message}s.
 *
 * <p>Feed it whatever the socket produced; segmentation does not matter: the same stream yields
 * the same messages and the same first error whether it arrives one byte at a time or all at
 * once. The header is validated as soon as its 24 bytes are in, in the order magic, command,
 * length, so an oversized length fails before any payload byte is read or any payload memory is
 * allocated; the checksum is verified when the last payload byte arrives (or, for payloads from
 * {@link #deferChecksumsFrom} on, left to the message's {@link V1Message#unverifiedChecksum()}). After any
 * {@link V1ProtocolException} the decoder is dead and every further call throws
 * {@link IllegalStateException}.
 *
 * <p>Allocation: one array per message, of {@code headroom + length + tailroom} bytes, which the
 * returned message owns. Payloads over {@value #INITIAL_PAYLOAD_ALLOCATION} bytes start with that
 * much space and grow (doubling) as bytes actually arrive, as Core does, so a header merely
 * claiming 4 MB cannot make the proxy commit 4 MB; this costs at most about one extra copy of a
 * large payload. Nothing is allocated per byte or per call. The SHA-256 state is updated as
 * payload bytes arrive and reused across messages.
 *
 * <p>Not thread-safe: one instance per direction of one connection.
 */
public final class V1FrameDecoder {
    /** Payload space committed up front for one message; more is added as data arrives. */
    public static final int INITIAL_PAYLOAD_ALLOCATION = 256 * 1024;
    /** Upper bound for headroom and tailroom, to catch mistakes. */
    public static final int MAX_SPARE_ROOM = 4096;

    private final int headroom;
    private final int tailroom;
    private Network network;

    private final byte[] header = new byte[HEADER_SIZE];
    private int headerFill;

    private final Sha256d hash = new Sha256d();
    /** Non-null while reading a payload. */
    private String command;
    private int payloadLength;
    private int payloadFill;
    private int expectedChecksum;
    private byte[] buffer;
    /** Payload bytes the current buffer can hold (excludes head- and tailroom). */
    private int capacity;

    private boolean dead;
    /** Payloads of at least this many bytes are not hashed here (see {@link #deferChecksumsFrom}). */
    private int deferFrom = Integer.MAX_VALUE;
    /** Whether the current payload's checksum is left to a {@link DeferredChecksum}. */
    private boolean deferring;

    /**
     * A decoder that requires every message to carry {@code network}'s magic.
     *
     * @param headroom spare bytes before each payload, 0..{@value #MAX_SPARE_ROOM}
     */
    public V1FrameDecoder(Network network, int headroom) {
        this(Objects.requireNonNull(network, "network"), headroom, 0);
    }

    /**
     * As {@link #V1FrameDecoder(Network, int)}, also reserving {@code tailroom} spare bytes after
     * each payload (e.g. 16 for an in-place AEAD tag).
     */
    public V1FrameDecoder(Network network, int headroom, int tailroom) {
        this.network = Objects.requireNonNull(network, "network");
        this.headroom = checkSpare("headroom", headroom);
        this.tailroom = checkSpare("tailroom", tailroom);
    }

    private V1FrameDecoder(int headroom, int tailroom) {
        this.network = null;
        this.headroom = checkSpare("headroom", headroom);
        this.tailroom = checkSpare("tailroom", tailroom);
    }

    /**
     * A decoder that accepts whatever magic the first message carries (reported by
     * {@link #network()}, a custom network if unknown) and requires it from then on.
     */
    public static V1FrameDecoder adoptingFirstMagic(int headroom) {
        return new V1FrameDecoder(headroom, 0);
    }

    /** As {@link #adoptingFirstMagic(int)}, with tailroom. */
    public static V1FrameDecoder adoptingFirstMagic(int headroom, int tailroom) {
        return new V1FrameDecoder(headroom, tailroom);
    }

    private static int checkSpare(String what, int n) {
        if (n < 0 || n > MAX_SPARE_ROOM) {
            throw new IllegalArgumentException(what + " must be 0.." + MAX_SPARE_ROOM + ", got " + n);
        }
        return n;
    }

    /** The required network: the configured one, or the adopted one once a header arrived. */
    public Optional<Network> network() {
        return Optional.ofNullable(network);
    }

    public int headroom() {
        return headroom;
    }

    public int tailroom() {
        return tailroom;
    }

    /**
     * From now on, payloads of at least {@code minLength} bytes are not hashed by this decoder: such
     * a message comes with an {@link V1Message#unverifiedChecksum()} that must run, and pass, before
     * the message is acted on. Lets an event loop hand the hashing of large blocks to another thread.
     */
    public void deferChecksumsFrom(int minLength) {
        if (minLength < 1) {
            throw new IllegalArgumentException("minLength must be positive, got " + minLength);
        }
        deferFrom = minLength;
    }

    static V1ProtocolException badChecksum(String command, int length, int expected, int computed) {
        return new V1ProtocolException(Reason.BAD_CHECKSUM, "\"" + command + "\" (" + length
                + " payload bytes): header says " + Network.hex8(expected) + ", computed " + Network.hex8(computed));
    }

    /** True once an error was thrown; the decoder can no longer be used. */
    public boolean isDead() {
        return dead;
    }

    /** Bytes of the array holding the partial message, head- and tailroom included (0 between messages). */
    public int bufferedBytes() {
        return buffer == null ? 0 : buffer.length;
    }

    /**
     * True when no partial message is buffered, i.e. the stream so far ended exactly on a
     * message boundary (an EOF now is clean).
     */
    public boolean atMessageBoundary() {
        return headerFill == 0 && command == null;
    }

    /**
     * Consumes bytes from {@code in} (advancing its position) until one message is complete or
     * {@code in} is exhausted. Never consumes bytes beyond the returned message, so a caller can
     * loop until null to drain everything.
     *
     * @return the next complete message, or null if {@code in} ran out first (the partial state
     *     is kept for the next call)
     * @throws V1ProtocolException on a protocol violation; the decoder is dead afterwards
     * @throws IllegalStateException if the decoder is already dead
     */
    public V1Message next(ByteBuffer in) throws V1ProtocolException {
        if (dead) {
            throw new IllegalStateException("decoder is dead after a protocol error");
        }
        try {
            if (command == null) {
                int n = Math.min(HEADER_SIZE - headerFill, in.remaining());
                in.get(header, headerFill, n);
                headerFill += n;
                if (headerFill < HEADER_SIZE) {
                    return null;
                }
                headerFill = 0;
                startPayload();
            }
            int want = payloadLength - payloadFill;
            int n = Math.min(want, in.remaining());
            if (n > 0) {
                ensureCapacity(payloadFill + n);
                int at = headroom + payloadFill;
                in.get(buffer, at, n);
                if (!deferring) {
                    hash.update(buffer, at, n);
                }
                payloadFill += n;
            }
            if (payloadFill < payloadLength) {
                return null;
            }
            return finishPayload();
        } catch (V1ProtocolException e) {
            dead = true;
            command = null;
            buffer = null;
            throw e;
        }
    }

    private void startPayload() throws V1ProtocolException {
        int magic = Network.packAt(header, 0);
        if (network != null && magic != network.packedMagic()) {
            throw new V1ProtocolException(Reason.BAD_MAGIC, "expected " + network.magicHex() + " (" + network.name()
                    + "), got " + Network.hex8(magic) + Network.knownByMagic(magic)
                            .map(n -> " (the " + n.name() + " magic)").orElse(" (not a known network's magic)"));
        }
        String problem = V1Protocol.commandProblem(header, COMMAND_OFFSET);
        if (problem != null) {
            throw new V1ProtocolException(Reason.BAD_COMMAND, "command \""
                    + V1Protocol.escape(header, COMMAND_OFFSET, COMMAND_SIZE) + "\" is invalid: " + problem);
        }
        String cmd = new String(header, COMMAND_OFFSET, V1Protocol.commandLength(header, COMMAND_OFFSET),
                StandardCharsets.US_ASCII);
        long length = Integer.toUnsignedLong(Endian.le32(header, LENGTH_OFFSET));
        if (length > MAX_PROTOCOL_MESSAGE_LENGTH) {
            throw new V1ProtocolException(Reason.OVERSIZED_PAYLOAD, "header of \"" + cmd + "\" announces " + length
                    + " payload bytes; the limit is " + MAX_PROTOCOL_MESSAGE_LENGTH + " (MAX_PROTOCOL_MESSAGE_LENGTH)");
        }
        if (network == null) {
            network = Network.forMagic(magic); // adopted only once the whole header is valid
        }
        command = cmd;
        payloadLength = (int) length;
        payloadFill = 0;
        expectedChecksum = Network.packAt(header, CHECKSUM_OFFSET);
        deferring = payloadLength >= deferFrom;
        hash.reset();
        allocate(Math.min(payloadLength, INITIAL_PAYLOAD_ALLOCATION));
    }

    private void allocate(int payloadCapacity) {
        int size = headroom + payloadCapacity + (payloadCapacity == payloadLength ? tailroom : 0);
        byte[] fresh = new byte[size];
        if (buffer != null && payloadFill > 0) {
            System.arraycopy(buffer, headroom, fresh, headroom, payloadFill);
        }
        buffer = fresh;
        capacity = payloadCapacity;
    }

    private void ensureCapacity(int needed) {
        if (needed > capacity) {
            long doubled = 2L * capacity;
            allocate((int) Math.min(payloadLength, Math.max(needed, doubled)));
        }
    }

    private V1Message finishPayload() throws V1ProtocolException {
        V1Message message;
        if (deferring) {
            message = new V1Message(command, buffer, headroom, payloadLength,
                    DeferredChecksum.verify(command, buffer, headroom, payloadLength, expectedChecksum));
        } else {
            int computed = hash.finishChecksum();
            if (computed != expectedChecksum) {
                throw badChecksum(command, payloadLength, expectedChecksum, computed);
            }
            message = new V1Message(command, buffer, headroom, payloadLength, null);
        }
        command = null;
        buffer = null;
        capacity = 0;
        return message;
    }
}
