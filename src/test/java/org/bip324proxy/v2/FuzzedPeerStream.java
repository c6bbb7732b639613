package org.bip324proxy.v2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * What the two handshake fuzzers feed the role under test: either arbitrary bytes, or the other
 * role's genuine stream (key, fuzzed garbage, decoys, version packet, one application packet) with
 * an optional XOR-mutated byte. Also the verdict every fuzzer draws from a run.
 *
 * @param bytes the stream
 * @param genuine built by the other role (possibly mutated)
 * @param invalid genuine but mutated, or its garbage holds the terminator (BIP324 wants it random:
 *     the receiver rightly stops at the first copy)
 * @param garbageLength the genuine stream's garbage length, 0 otherwise
 * @param maxChunk the largest chunk the fuzzer feeds at once
 */
record FuzzedPeerStream(byte[] bytes, boolean genuine, boolean invalid, int garbageLength, int maxChunk) {
    /** Scanned at most without a terminator: key, the longest garbage, the terminator. */
    static final int SCAN_LIMIT = V2Transport.KEY_LEN + V2Transport.MAX_GARBAGE_LEN + V2Transport.GARBAGE_TERMINATOR_LEN;
    private static final byte[] APP_CONTENTS = "app".getBytes(StandardCharsets.US_ASCII);

    /** The other role's key, garbage, decoys and version packet, with the rest of its choices from the fuzzer. */
    interface HandshakeWriter {
        byte[] write(PacketCipher sender, byte[] garbage, FuzzedDataProvider data);
    }

    /** Consumes the fuzzer's choices in a fixed order, so that stored regression inputs keep their meaning. */
    static FuzzedPeerStream consume(FuzzedDataProvider data, Supplier<PacketCipher> otherRole, HandshakeWriter writer) {
        boolean genuine = data.consumeBoolean();
        int maxChunk = data.consumeInt(1, 300);
        if (!genuine) {
            return new FuzzedPeerStream(data.consumeBytes(SCAN_LIMIT + 100), false, false, 0, maxChunk);
        }
        PacketCipher sender = otherRole.get();
        byte[] garbage = data.consumeBytes(data.consumeInt(0, V2Transport.MAX_GARBAGE_LEN));
        byte[] handshake = writer.write(sender, garbage, data);
        byte[] app = sender.encrypt(APP_CONTENTS, 0, APP_CONTENTS.length, new byte[0], false);
        byte[] stream = Arrays.copyOf(handshake, handshake.length + app.length);
        System.arraycopy(app, 0, stream, handshake.length, app.length);
        byte[] terminator = otherRole.get().sendGarbageTerminator();
        boolean invalid = terminatorAt(stream, terminator) < V2Transport.KEY_LEN + garbage.length;
        if (data.consumeBoolean()) {
            byte flip = data.consumeByte();
            if (flip != 0) {
                stream[data.consumeInt(0, stream.length - 1)] ^= flip;
                invalid = true;
            }
        }
        return new FuzzedPeerStream(stream, true, invalid, garbage.length, maxChunk);
    }

    /** True if {@code terminator} ends within the first 64 + 4095 + 16 bytes of the stream. */
    boolean terminatorInTime(PacketCipher otherRole) {
        int at = terminatorAt(bytes, otherRole.sendGarbageTerminator());
        return at >= 0 && at + V2Transport.GARBAGE_TERMINATOR_LEN <= SCAN_LIMIT;
    }

    /**
     * A genuine, unmutated stream completes with the expected session id and delivers the
     * application packet; an invalid one is never accepted in full.
     *
     * @param consumed how many bytes of the stream the transport took
     */
    void assertVerdict(V2Transport transport, V2Packet app, V2ProtocolException error, int consumed) {
        boolean delivered = app != null
                && Arrays.equals(APP_CONTENTS, 0, APP_CONTENTS.length, app.array(), app.offset(), app.offset() + app.length());
        if (genuine && !invalid) {
            assertNull(error, "genuine handshake rejected (garbage " + garbageLength + ")");
            assertTrue(transport.isHandshakeComplete());
            assertArrayEquals(FuzzPeer.sessionId(), transport.sessionId());
            assertTrue(delivered);
        }
        if (invalid) {
            assertFalse(delivered && transport.isHandshakeComplete() && error == null && consumed == bytes.length,
                    "an invalid handshake was accepted in full");
        }
    }

    /** Where {@code terminator} first occurs after the key, or -1. */
    private static int terminatorAt(byte[] stream, byte[] terminator) {
        for (int i = V2Transport.KEY_LEN; i + terminator.length <= stream.length; i++) {
            if (Arrays.equals(stream, i, i + terminator.length, terminator, 0, terminator.length)) {
                return i;
            }
        }
        return -1;
    }
}
