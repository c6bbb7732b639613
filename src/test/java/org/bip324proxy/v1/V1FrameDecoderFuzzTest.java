package org.bip324proxy.v1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes the v1 frame decoder with arbitrary byte streams. Regression inputs live in
 * {@code src/test/resources/org/bip324proxy/v1/V1FrameDecoderFuzzTestInputs/}; a plain
 * {@code mvn test} replays them, {@code JAZZER_FUZZ=1} fuzzes (docs/fuzzing.md).
 *
 * <p>Input layout: byte 0 steers the decoder (bit 7: adopt the first magic instead of requiring
 * mainnet; bit 6: 24 bytes headroom and 16 bytes tailroom; bits 0..5: chunk size - 1), the rest
 * is the stream.
 */
@Tag("system")
class V1FrameDecoderFuzzTest {

    /** What decoding a stream produced: the messages, the consumed bytes, and the first error. */
    private record Outcome(List<V1Message> messages, int consumed, V1ProtocolException error) {}

    @FuzzTest(maxDuration = "5m")
    void decoderOnlyFailsWithTypedErrorsAndKeepsNoSpareBytes(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int control = data[0] & 0xff;
        boolean adopting = (control & 0x80) != 0;
        int headroom = (control & 0x40) != 0 ? V1Protocol.HEADER_SIZE : 0;
        int tailroom = (control & 0x40) != 0 ? 16 : 0;
        int chunk = (control & 0x3f) + 1;
        byte[] stream = Arrays.copyOfRange(data, 1, data.length);

        V1FrameDecoder chunked = decoder(adopting, headroom, tailroom);
        Outcome inChunks = decode(chunked, stream, chunk);
        Outcome atOnce = decode(decoder(adopting, headroom, tailroom), stream, Math.max(1, stream.length));

        // Segmentation never changes the result (same messages, same first error).
        assertEquals(atOnce.messages(), inChunks.messages());
        assertEquals(reasonOf(atOnce.error()), reasonOf(inChunks.error()));

        ByteArrayOutputStream reencoded = new ByteArrayOutputStream();
        for (V1Message m : inChunks.messages()) {
            // Bounded buffering: each message owns exactly its payload plus the requested spare room.
            assertTrue(m.length() <= V1Protocol.MAX_PROTOCOL_MESSAGE_LENGTH);
            assertEquals(headroom + m.length() + tailroom, m.array().length);
            assertEquals(headroom, m.offset());
            V1Protocol.checkCommand(m.command());
            reencoded.writeBytes(new V1FrameEncoder(chunked.network().orElseThrow()).frame(m));
        }
        // Every accepted message is exactly the bytes it came from (valid checksum, canonical header).
        assertArrayEquals(Arrays.copyOf(stream, reencoded.size()), reencoded.toByteArray());
        if (inChunks.error() == null) {
            assertEquals(stream.length, inChunks.consumed());
            assertEquals(chunked.atMessageBoundary(), reencoded.size() == stream.length);
        } else {
            assertTrue(chunked.isDead());
        }
    }

    private static V1FrameDecoder decoder(boolean adopting, int headroom, int tailroom) {
        return adopting
                ? V1FrameDecoder.adoptingFirstMagic(headroom, tailroom)
                : new V1FrameDecoder(Network.MAINNET, headroom, tailroom);
    }

    /** Feeds {@code stream} in chunks; only {@link V1ProtocolException} may escape the decoder. */
    private static Outcome decode(V1FrameDecoder decoder, byte[] stream, int chunk) {
        List<V1Message> messages = new ArrayList<>();
        int pos = 0;
        try {
            while (pos < stream.length) {
                int n = Math.min(chunk, stream.length - pos);
                ByteBuffer in = ByteBuffer.wrap(stream, pos, n);
                V1Message m;
                while ((m = decoder.next(in)) != null) {
                    messages.add(m);
                }
                assertEquals(0, in.remaining(), "next() returned null with bytes left");
                pos += n;
            }
            return new Outcome(messages, pos, null);
        } catch (V1ProtocolException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            return new Outcome(messages, pos, e);
        }
    }

    private static V1ProtocolException.Reason reasonOf(V1ProtocolException e) {
        return e == null ? null : e.reason();
    }
}
