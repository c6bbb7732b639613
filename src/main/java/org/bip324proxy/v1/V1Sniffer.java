package org.bip324proxy.v1;

import static org.bip324proxy.v1.V1Protocol.COMMAND_OFFSET;
import static org.bip324proxy.v1.V1Protocol.COMMAND_SIZE;
import static org.bip324proxy.v1.V1Protocol.LENGTH_OFFSET;
import static org.bip324proxy.v1.V1Protocol.MAX_PROTOCOL_MESSAGE_LENGTH;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import org.bip324proxy.bytes.Endian;

/**
 * Looks at the first bytes of a connection and tells whether they start a v1 message, and of
 * which network, without consuming them.
 *
 * <p>A stream is judged v1 once its first {@value #BYTES_FOR_VERDICT} bytes are a plausible header
 * prefix: any 4-byte magic (known networks are named; any other magic is reported as a custom
 * network), then a valid command (1..12 printable ASCII bytes, then only NULs), then a payload
 * length of at most {@value V1Protocol#MAX_PROTOCOL_MESSAGE_LENGTH}. The command and length
 * checks are what make an unknown magic believable: 16 random bytes (e.g. the start of a BIP324
 * ellswift key) pass them with a probability of about 6 in 10^9. It is judged not v1 as soon as
 * any byte seen so far breaks those rules (TLS, HTTP and similar fail within the first few
 * command bytes), and NEED_MORE otherwise. The checksum is not looked at.
 *
 * <p>Stateless and thread-safe; call it again with the longer prefix when more bytes arrive.
 */
public final class V1Sniffer {
    /** Bytes after which a verdict is always reached: magic, command and length. */
    public static final int BYTES_FOR_VERDICT = LENGTH_OFFSET + V1Protocol.MESSAGE_SIZE_SIZE;

    private V1Sniffer() {}

    public enum Verdict {
        /** Everything seen so far is consistent with a v1 header; call again with more bytes. */
        NEED_MORE,
        /** The bytes start a v1 message of {@link Result#network()}. */
        V1,
        /** The bytes cannot start a v1 message; {@link Result#reason()} says why. */
        NOT_V1
    }

    /** The outcome of {@link #sniff}. */
    public static final class Result {
        private static final Result NEED_MORE = new Result(Verdict.NEED_MORE, null, "");

        private final Verdict verdict;
        private final Network network;
        private final String reason;

        private Result(Verdict verdict, Network network, String reason) {
            this.verdict = verdict;
            this.network = network;
            this.reason = reason;
        }

        public Verdict verdict() {
            return verdict;
        }

        /** The detected network; present exactly when the verdict is {@link Verdict#V1}. */
        public Optional<Network> network() {
            return Optional.ofNullable(network);
        }

        /** Why the bytes are not v1; empty for other verdicts. */
        public String reason() {
            return reason;
        }

        @Override
        public String toString() {
            switch (verdict) {
                case V1: return "V1(" + network + ")";
                case NOT_V1: return "NOT_V1(" + reason + ")";
                default: return "NEED_MORE";
            }
        }
    }

    /**
     * Judges the bytes between {@code firstBytes}' position and limit (the start of a stream).
     * The buffer's position is not changed.
     */
    public static Result sniff(ByteBuffer firstBytes) {
        Objects.requireNonNull(firstBytes, "firstBytes");
        int p = firstBytes.position();
        int available = Math.min(firstBytes.remaining(), BYTES_FOR_VERDICT);
        int commandEnd = Math.min(available, COMMAND_OFFSET + COMMAND_SIZE);
        int nameEnd = -1;
        for (int i = COMMAND_OFFSET; i < commandEnd; i++) {
            int b = firstBytes.get(p + i) & 0xFF;
            if (nameEnd >= 0) {
                if (b != 0) {
                    return notV1(String.format("byte 0x%02x at offset %d follows the command's NUL padding", b, i));
                }
            } else if (b == 0) {
                if (i == COMMAND_OFFSET) {
                    return notV1("empty command at offset " + COMMAND_OFFSET);
                }
                nameEnd = i;
            } else if (!V1Protocol.isCommandChar(b)) {
                return notV1(String.format("byte 0x%02x at offset %d is not printable ASCII, so not a command", b, i));
            }
        }
        if (available < BYTES_FOR_VERDICT) {
            return Result.NEED_MORE;
        }
        long length = Integer.toUnsignedLong(Endian.le32(firstBytes, p + LENGTH_OFFSET));
        if (length > MAX_PROTOCOL_MESSAGE_LENGTH) {
            return notV1("payload length " + length + " exceeds " + MAX_PROTOCOL_MESSAGE_LENGTH);
        }
        int magic = Endian.be32(firstBytes, p);
        return new Result(Verdict.V1, Network.forMagic(magic), "");
    }

    /** The network of a v1 stream, or empty when not (yet) recognised as v1. Position unchanged. */
    public static Optional<Network> detectNetwork(ByteBuffer firstBytes) {
        return sniff(firstBytes).network();
    }

    private static Result notV1(String why) {
        return new Result(Verdict.NOT_V1, null, why);
    }
}
