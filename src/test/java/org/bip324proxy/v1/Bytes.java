package org.bip324proxy.v1;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;

/** Test helpers: hex, concatenation, and feeding a stream to a decoder in chosen chunk sizes. */
final class Bytes {
    private Bytes() {}

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * Feeds {@code stream} through one buffer whose limit grows by {@code chunk.applyAsInt(i)}
     * bytes per step (as socket reads would deliver it), draining the decoder after each step.
     */
    static List<V1Message> decodeAll(V1FrameDecoder decoder, ByteBuffer stream, IntUnaryOperator chunk)
            throws V1ProtocolException {
        List<V1Message> out = new ArrayList<>();
        int end = stream.limit();
        stream.limit(stream.position());
        for (int step = 0; stream.limit() < end; step++) {
            stream.limit(Math.min(end, stream.limit() + Math.max(1, chunk.applyAsInt(step))));
            V1Message m;
            while ((m = decoder.next(stream)) != null) {
                out.add(m);
            }
            if (stream.hasRemaining()) {
                throw new AssertionError("decoder returned null with bytes left");
            }
        }
        return out;
    }

    static List<V1Message> decodeAll(V1FrameDecoder decoder, byte[] stream, IntUnaryOperator chunk)
            throws V1ProtocolException {
        return decodeAll(decoder, ByteBuffer.wrap(stream), chunk);
    }

    static IntUnaryOperator randomChunks(long seed, int max) {
        Random r = new Random(seed);
        return i -> 1 + r.nextInt(max);
    }
}
