package org.bip324proxy.v2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
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
    private static final int FIRST_OUTPUT = V2Transport.KEY_LEN + FuzzPeer.INITIATOR_GARBAGE.length;
    private static final int SECOND_OUTPUT = V2Transport.GARBAGE_TERMINATOR_LEN + PacketCipher.EXPANSION;

    @FuzzTest(maxDuration = "5m")
    void initiatorHandshakeSurvivesAnyInput(FuzzedDataProvider data) {
        FuzzedPeerStream peer = FuzzedPeerStream.consume(data, FuzzPeer::responderCipher,
                (responder, garbage, d) -> FuzzPeer.responderHandshake(responder, garbage, d.consumeInt(0, 3),
                        d.consumeBytes(d.consumeInt(0, 8))));
        byte[] stream = peer.bytes();

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
                int n = Math.min(stream.length - pos, data.consumeInt(1, peer.maxChunk()));
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
                assertTrue(pos <= FuzzedPeerStream.SCAN_LIMIT || peer.terminatorInTime(FuzzPeer.responderCipher()),
                        "read " + pos + " bytes though no terminator came within 64 + 4095 + 16 bytes");
                if (in.hasRemaining()) {
                    break; // a packet was delivered and more bytes follow: not expected in this script
                }
            }
        } catch (V2ProtocolException e) {
            error = e;
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        }

        peer.assertVerdict(initiator, app, error, pos);
        assertFalse(initiator.isV1(), "an initiator never detects v1");
    }
}
