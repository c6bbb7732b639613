package org.bip324proxy.v2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes an initiator's handshake (BIP324, "Handshake"), the role the proxy runs for every outbound
 * session: a fresh initiator is fed either arbitrary bytes or a genuine responder stream (fuzzed
 * garbage 0..4095 bytes, 0..3 decoys before the version packet, a version packet with fuzzed
 * contents, one application packet) with an optional XOR-mutated byte, in fuzzed chunks.
 * Regression inputs live in {@code src/test/resources/org/bip324proxy/v2/V2InitiatorHandshakeFuzzTestInputs/}.
 *
 * <p>Invariants: only {@link V2ProtocolException} escapes; the initiator's first output is exactly
 * its key and garbage, and it sends exactly its terminator and version packet (16 + 20 bytes) once
 * the responder's 64 key bytes are in and nothing before; no more than 64 + 4095 + 16 bytes are
 * read without a terminator; a genuine stream completes with the right session id and delivers the
 * application packet, a mutated one (or one whose garbage holds the terminator) never does.
 */
@Tag("system")
class V2InitiatorHandshakeFuzzTest {
    private static final byte[] APP_CONTENTS = "app".getBytes(StandardCharsets.US_ASCII);
    private static final int SCAN_LIMIT = V2Transport.KEY_LEN + V2Transport.MAX_GARBAGE_LEN
            + V2Transport.GARBAGE_TERMINATOR_LEN;
    private static final int FIRST_OUTPUT = V2Transport.KEY_LEN + FuzzPeer.INITIATOR_GARBAGE.length;
    private static final int SECOND_OUTPUT = V2Transport.GARBAGE_TERMINATOR_LEN + PacketCipher.EXPANSION;

    @FuzzTest(maxDuration = "5m")
    void initiatorHandshakeSurvivesAnyInput(FuzzedDataProvider data) {
        boolean genuine = data.consumeBoolean();
        int maxChunk = data.consumeInt(1, 300);
        boolean invalid;
        byte[] stream;
        int garbageLength = 0;
        if (genuine) {
            PacketCipher responder = FuzzPeer.responderCipher();
            byte[] garbage = data.consumeBytes(data.consumeInt(0, V2Transport.MAX_GARBAGE_LEN));
            garbageLength = garbage.length;
            byte[] handshake = FuzzPeer.responderHandshake(responder, garbage, data.consumeInt(0, 3),
                    data.consumeBytes(data.consumeInt(0, 8)));
            stream = concat(handshake, responder.encrypt(APP_CONTENTS, 0, APP_CONTENTS.length, new byte[0], false));
            invalid = terminatorAt(stream) < V2Transport.KEY_LEN + garbage.length;
            if (data.consumeBoolean()) {
                byte flip = data.consumeByte();
                if (flip != 0) {
                    stream[data.consumeInt(0, stream.length - 1)] ^= flip;
                    invalid = true;
                }
            }
        } else {
            stream = data.consumeBytes(SCAN_LIMIT + 100);
            invalid = false;
        }

        V2Transport initiator = FuzzPeer.initiator(0);
        byte[] first = initiator.takeOutput();
        assertArrayEquals(FuzzPeer.INITIATOR_GARBAGE, Arrays.copyOfRange(first, V2Transport.KEY_LEN, first.length));
        assertEquals(FIRST_OUTPUT, first.length, "an initiator sends its key and garbage at once");
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        V2Packet app = null;
        V2ProtocolException error = null;
        int pos = 0;
        try {
            while (pos < stream.length) {
                int n = Math.min(stream.length - pos, data.consumeInt(1, maxChunk));
                ByteBuffer in = ByteBuffer.wrap(stream, pos, n);
                V2Packet p = initiator.receive(in);
                if (p != null && app == null) {
                    app = p;
                }
                pos += n - in.remaining();
                sent.writeBytes(initiator.takeOutput());
                assertEquals(pos < V2Transport.KEY_LEN ? 0 : SECOND_OUTPUT, sent.size(),
                        "terminator and version packet go out exactly when the responder's key is in");
                assertEquals(pos >= V2Transport.KEY_LEN, initiator.canSend());
                assertTrue(pos <= SCAN_LIMIT || terminatorInTime(stream),
                        "read " + pos + " bytes though no terminator came within 64 + 4095 + 16 bytes");
                if (in.hasRemaining()) {
                    break; // a packet was delivered and more bytes follow: not expected in this script
                }
            }
        } catch (V2ProtocolException e) {
            error = e;
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        }

        if (genuine && !invalid) {
            assertNull(error, "genuine handshake rejected (garbage " + garbageLength + ")");
            assertTrue(initiator.isHandshakeComplete());
            assertArrayEquals(FuzzPeer.sessionId(), initiator.sessionId());
            assertTrue(app != null && Arrays.equals(APP_CONTENTS, 0, APP_CONTENTS.length,
                    app.array(), app.offset(), app.offset() + app.length()));
        }
        if (invalid) {
            assertFalse(app != null && initiator.isHandshakeComplete() && error == null
                    && Arrays.equals(APP_CONTENTS, 0, APP_CONTENTS.length, app.array(), app.offset(),
                            app.offset() + app.length()) && pos == stream.length,
                    "an invalid handshake was accepted in full");
        }
        assertFalse(initiator.isV1(), "an initiator never detects v1");
    }

    private static boolean terminatorInTime(byte[] stream) {
        int at = terminatorAt(stream);
        return at >= 0 && at + V2Transport.GARBAGE_TERMINATOR_LEN <= SCAN_LIMIT;
    }

    /** Where the responder's genuine terminator first occurs after the key, or -1. */
    private static int terminatorAt(byte[] stream) {
        byte[] terminator = FuzzPeer.responderCipher().sendGarbageTerminator();
        for (int i = V2Transport.KEY_LEN; i + terminator.length <= stream.length; i++) {
            if (Arrays.equals(stream, i, i + terminator.length, terminator, 0, terminator.length)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
