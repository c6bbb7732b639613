package org.bip324proxy.v2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes the packet decoder of a responder whose handshake is complete (V2Transport in state APP,
 * i.e. PacketCipher's length and AEAD decryption): the fuzzer scripts a stream of genuine packets,
 * decoys, flipped bits and raw bytes, and its chunking. Regression inputs live in
 * {@code src/test/resources/org/bip324proxy/v2/V2PacketDecoderFuzzTestInputs/}.
 *
 * <p>Invariants: only {@link V2ProtocolException} escapes; every genuine packet before the first
 * corruption is delivered intact and in order, nothing forged is ever delivered or counted as a
 * decoy; a clean stream raises no error; each delivered packet's array holds exactly that packet
 * (no unbounded buffering).
 */
@Tag("system")
class V2PacketDecoderFuzzTest {
    private static final int HEADROOM = 7;

    @FuzzTest(maxDuration = "5m")
    void packetDecoderDeliversExactlyTheGenuinePackets(FuzzedDataProvider data) throws Exception {
        V2Transport responder = FuzzPeer.responder(HEADROOM);
        PacketCipher initiator = FuzzPeer.initiatorCipher();
        byte[] handshake = FuzzPeer.initiatorHandshake(initiator, new byte[0], 0);
        assertNull(responder.receive(ByteBuffer.wrap(handshake)));
        assertTrue(responder.isHandshakeComplete());

        // The wire as sent, and as a correct sender would have sent it (bit flips only hit the former).
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteArrayOutputStream pristine = new ByteArrayOutputStream();
        List<byte[]> genuine = new ArrayList<>();
        List<Integer> genuineEnds = new ArrayList<>();
        List<Integer> decoyEnds = new ArrayList<>();
        int firstRawByte = Integer.MAX_VALUE;
        int steps = data.consumeInt(0, 40);
        for (int i = 0; i < steps && data.remainingBytes() > 0; i++) {
            switch (data.consumeInt(0, 3)) {
                case 0, 1 -> {
                    byte[] contents = data.consumeBytes(data.consumeInt(0, 600));
                    boolean decoy = data.consumeBoolean();
                    byte[] packet = initiator.encrypt(contents, 0, contents.length, new byte[0], decoy);
                    wire.writeBytes(packet);
                    pristine.writeBytes(packet);
                    if (decoy) {
                        decoyEnds.add(wire.size());
                    } else {
                        genuine.add(contents);
                        genuineEnds.add(wire.size());
                    }
                }
                case 2 -> { // flip one bit of what is on the wire so far
                    if (wire.size() > 0) {
                        byte[] bytes = wire.toByteArray();
                        int bit = data.consumeInt(0, bytes.length * 8 - 1);
                        bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                        wire.reset();
                        wire.writeBytes(bytes);
                    }
                }
                default -> { // bytes no sender would put between packets
                    byte[] raw = data.consumeBytes(data.consumeInt(1, 64));
                    if (raw.length > 0) {
                        firstRawByte = Math.min(firstRawByte, wire.size());
                    }
                    wire.writeBytes(raw);
                    pristine.writeBytes(raw);
                }
            }
        }
        byte[] sent = wire.toByteArray();
        int firstFlip = Arrays.mismatch(sent, pristine.toByteArray());
        int firstBadByte = Math.min(firstRawByte, firstFlip < 0 ? Integer.MAX_VALUE : firstFlip);
        long intactPackets = genuineEnds.stream().filter(end -> end <= firstBadByte).count();
        long intactDecoys = decoyEnds.stream().filter(end -> end <= firstBadByte).count();
        int maxChunk = data.consumeInt(1, 2000);

        List<byte[]> delivered = new ArrayList<>();
        V2ProtocolException error = feed(responder, sent, maxChunk, data, delivered);

        if (firstBadByte == Integer.MAX_VALUE) {
            assertNull(error, "clean stream rejected");
            assertEquals(genuine.size(), delivered.size());
            assertEquals(decoyEnds.size(), responder.decoysReceived());
        } else {
            assertTrue(delivered.size() <= intactPackets, "a corrupted packet was delivered");
            assertTrue(responder.decoysReceived() <= intactDecoys, "a corrupted packet was taken for a decoy");
        }
        for (int i = 0; i < delivered.size(); i++) {
            assertArrayEquals(genuine.get(i), delivered.get(i), "packet " + i);
        }
        if (error != null) {
            assertTrue(error.getMessage() != null && !error.getMessage().isBlank());
        }
    }

    /** Feeds the stream in fuzz-chosen chunks; returns the protocol error, if any. */
    private static V2ProtocolException feed(V2Transport to, byte[] stream, int maxChunk, FuzzedDataProvider data,
            List<byte[]> delivered) {
        int pos = 0;
        try {
            while (pos < stream.length) {
                int n = Math.min(stream.length - pos, data.consumeInt(1, maxChunk));
                ByteBuffer in = ByteBuffer.wrap(stream, pos, n);
                V2Packet p;
                while ((p = to.receive(in)) != null) {
                    assertTrue(p.length() <= V2Transport.MAX_CONTENTS_LEN);
                    assertEquals(HEADROOM + PacketCipher.HEADER_LEN, p.offset());
                    assertEquals(p.offset() + p.length() + PacketCipher.TAG_LEN, p.array().length,
                            "packet array must hold exactly one packet");
                    delivered.add(Arrays.copyOfRange(p.array(), p.offset(), p.offset() + p.length()));
                }
                assertEquals(0, in.remaining(), "receive() returned null with bytes left");
                pos += n;
            }
            return null;
        } catch (V2ProtocolException e) {
            return e;
        }
    }
}
