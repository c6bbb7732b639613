package org.bip324proxy.v2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes a responder's handshake (BIP324, "Handshake"; v1 detection, key, garbage, terminator,
 * decoys, version packet) with either arbitrary bytes or a genuine initiator stream with
 * fuzz-chosen garbage, decoys, chunking and an optional mutated byte. Regression inputs live in
 * {@code src/test/resources/org/bip324proxy/v2/V2ResponderHandshakeFuzzTestInputs/}.
 *
 * <p>Invariants: only {@link V2ProtocolException} escapes; the responder sends nothing while the
 * bytes so far could still be a v1 VERSION header, and exactly its key and garbage once they
 * cannot; a v1 peer gets all 16 bytes handed back; no more than 64 + 4095 + 16 bytes are scanned
 * without a terminator; a genuine stream completes with the right session id and delivers the
 * first application packet, a mutated one (or one whose garbage holds the terminator) never does.
 */
@Tag("system")
class V2ResponderHandshakeFuzzTest {
    private static final byte[] V1_PREFIX = concat(FuzzPeer.MAINNET,
            "version\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII));

    @FuzzTest(maxDuration = "5m")
    void responderHandshakeSurvivesAnyInput(FuzzedDataProvider data) {
        FuzzedPeerStream peer = FuzzedPeerStream.consume(data, FuzzPeer::initiatorCipher,
                (initiator, garbage, d) -> FuzzPeer.initiatorHandshake(initiator, garbage, d.consumeInt(0, 3)));
        byte[] stream = peer.bytes();

        V2Transport responder = FuzzPeer.responder(0);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        V2Packet app = null;
        V2ProtocolException error = null;
        int pos = 0;
        try {
            while (pos < stream.length && !responder.isV1()) {
                int n = Math.min(stream.length - pos, data.consumeInt(1, peer.maxChunk()));
                ByteBuffer in = ByteBuffer.wrap(stream, pos, n);
                V2Packet p = responder.receive(in);
                if (p != null && app == null) {
                    app = p;
                }
                pos += n - in.remaining();
                sent.writeBytes(responder.takeOutput());
                checkSilentWhileMaybeV1(stream, pos, sent.size(), responder.isV1());
                assertTrue(pos <= FuzzedPeerStream.SCAN_LIMIT || responder.isV1()
                                || peer.terminatorInTime(FuzzPeer.initiatorCipher()),
                        "read " + pos + " bytes though no terminator came within 64 + 4095 + 16 bytes");
                if (in.hasRemaining()) {
                    break; // a packet was delivered and more bytes follow: not expected in this script
                }
            }
        } catch (V2ProtocolException e) {
            error = e;
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        }

        if (responder.isV1()) {
            assertArrayEquals(V1_PREFIX, responder.v1Prefix());
            assertArrayEquals(V1_PREFIX, Arrays.copyOf(stream, V1_PREFIX.length));
            assertEquals(0, sent.size(), "sent bytes to a v1 peer");
        }
        peer.assertVerdict(responder, app, error, pos);
    }

    /** Nothing may be sent while every byte so far matches the v1 prefix; then exactly key + garbage. */
    private static void checkSilentWhileMaybeV1(byte[] stream, int received, int sentLen, boolean v1) {
        int matching = 0;
        while (matching < Math.min(received, V1_PREFIX.length) && stream[matching] == V1_PREFIX[matching]) {
            matching++;
        }
        if (v1 || matching == received) {
            assertEquals(0, sentLen, "responder spoke while the peer could still be v1");
        } else if (received < V2Transport.KEY_LEN) {
            assertEquals(V2Transport.KEY_LEN + FuzzPeer.RESPONDER_GARBAGE.length, sentLen);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
