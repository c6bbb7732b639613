package org.bip324proxy.v1;

import static org.bip324proxy.v1.Bytes.concat;
import static org.bip324proxy.v1.Bytes.decodeAll;
import static org.bip324proxy.v1.Bytes.hex;
import static org.bip324proxy.v1.Bytes.random;
import static org.bip324proxy.v1.Bytes.randomChunks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bip324proxy.v1.V1ProtocolException.Reason;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("fast")
class V1FrameCodecTest {
    private static final int HEADROOM = 14;

    /** Bitcoin Core's verack on mainnet: empty payload, checksum = SHA256d("")[0..4) = 5df6e0e2. */
    private static final String MAINNET_VERACK = "f9beb4d9 76657261636b000000000000 00000000 5df6e0e2";
    /** ping with nonce 0x0123456789abcdef; checksum computed independently with Python's hashlib. */
    private static final String MAINNET_PING = "f9beb4d9 70696e670000000000000000 08000000 33bc15e5 efcdab8967452301";
    /**
     * The VERSION message sent by Bitcoin Core 0.9.3 shown in the Bitcoin developer reference
     * (P2P network, "version"): protocol 70002, 198.27.100.9:8333, "/Satoshi:0.9.3/", height 329167.
     */
    static final String DEVREF_VERSION_FRAME = "f9beb4d9 76657273696f6e0000000000 65000000 5f1a69d2"
            + DevRef.PAYLOAD;

    static final class DevRef {
        static final String PAYLOAD = "72110100 0100000000000000 bc8f5e5400000000"
                + " 0100000000000000 00000000000000000000ffffc61b6409 208d"
                + " 0100000000000000 00000000000000000000ffffcb0071c0 208d"
                + " 128035cbc97953f8 0f 2f5361746f7368693a302e392e332f cf050500 01";
    }

    private final V1FrameEncoder mainnet = new V1FrameEncoder(Network.MAINNET);

    private static V1Message decodeOne(V1FrameDecoder d, byte[] frame) throws V1ProtocolException {
        ByteBuffer in = ByteBuffer.wrap(frame);
        V1Message m = d.next(in);
        assertNotNull(m, "frame should decode to one message");
        assertFalse(in.hasRemaining());
        return m;
    }

    // ---------------------------------------------------------------- known bytes

    @Test
    void verackFrameMatchesCoreBytes() throws Exception {
        byte[] expected = hex(MAINNET_VERACK);
        assertArrayEquals(expected, mainnet.frame("verack", new byte[0]));
        V1Message m = decodeOne(new V1FrameDecoder(Network.MAINNET, HEADROOM), expected);
        assertEquals("verack", m.command());
        assertEquals(0, m.length());
        assertEquals(HEADROOM, m.offset());
        assertEquals(HEADROOM, m.array().length);
    }

    @Test
    void pingFrameMatchesIndependentChecksum() throws Exception {
        byte[] expected = hex(MAINNET_PING);
        byte[] nonce = hex("efcdab8967452301");
        assertArrayEquals(expected, mainnet.frame("ping", nonce));
        V1Message m = decodeOne(new V1FrameDecoder(Network.MAINNET, HEADROOM), expected);
        assertEquals("ping", m.command());
        assertArrayEquals(nonce, m.copyPayload());
    }

    @Test
    void helloChecksumMatchesPublishedDoubleSha256() {
        // Bitcoin wiki: SHA256d("hello") = 9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50
        byte[] header = new V1FrameEncoder(Network.REGTEST).header("tx", "hello".getBytes(), 0, 5);
        assertEquals("fabfb5da" + "747800000000000000000000" + "05000000" + "9595c9df", hex(header));
    }

    @Test
    void realVersionFrameDecodes() throws Exception {
        byte[] frame = hex(DEVREF_VERSION_FRAME);
        V1Message m = decodeOne(new V1FrameDecoder(Network.MAINNET, HEADROOM), frame);
        assertEquals("version", m.command());
        assertEquals(101, m.length());
        assertArrayEquals(hex(DevRef.PAYLOAD), m.copyPayload());
        assertArrayEquals(frame, mainnet.frame(m), "re-encoding reproduces the captured bytes");
    }

    // ---------------------------------------------------------------- round trips

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8, 1000, V1FrameDecoder.INITIAL_PAYLOAD_ALLOCATION,
            V1FrameDecoder.INITIAL_PAYLOAD_ALLOCATION + 1, 1_000_003, V1Protocol.MAX_PAYLOAD})
    void roundTripAllAtOnceAndChunked(int size) throws Exception {
        byte[] payload = random(size, size);
        byte[] frame = mainnet.frame("block", payload);
        assertEquals(V1Protocol.HEADER_SIZE + size, frame.length);

        V1Message whole = decodeOne(new V1FrameDecoder(Network.MAINNET, HEADROOM, 16), frame);
        assertEquals("block", whole.command());
        assertEquals(HEADROOM, whole.offset());
        assertEquals(size, whole.length());
        assertEquals(16, whole.tailroom());
        assertEquals(HEADROOM + size + 16, whole.array().length, "final array is exactly sized");
        assertArrayEquals(payload, whole.copyPayload());

        List<V1Message> chunked = decodeAll(new V1FrameDecoder(Network.MAINNET, HEADROOM, 16), frame,
                randomChunks(size, 70_000));
        assertEquals(List.of(whole), chunked);
        assertEquals(HEADROOM + size + 16, chunked.get(0).array().length);
    }

    @Test
    void maxPayloadFedOneByteAtATime() throws Exception {
        byte[] payload = random(7, V1Protocol.MAX_PAYLOAD);
        byte[] frame = mainnet.frame("block", payload);
        List<V1Message> got = decodeAll(new V1FrameDecoder(Network.MAINNET, HEADROOM), frame, i -> 1);
        assertEquals(1, got.size());
        assertArrayEquals(payload, got.get(0).copyPayload());
    }

    private byte[] mixedStream(V1FrameEncoder enc, List<V1Message> expected) {
        List<byte[]> frames = new ArrayList<>();
        String[] commands = {"version", "verack", "sendcmpct", "ping", "inv", "block", "pong", "headers"};
        int[] sizes = {101, 0, 9, 8, 37, 300_000, 8, 0};
        for (int i = 0; i < commands.length; i++) {
            byte[] p = random(100 + i, sizes[i]);
            expected.add(V1Message.of(commands[i], p));
            frames.add(enc.frame(commands[i], p));
        }
        return concat(frames.toArray(new byte[0][]));
    }

    @Test
    void segmentationDoesNotChangeTheResult() throws Exception {
        List<V1Message> expected = new ArrayList<>();
        byte[] stream = mixedStream(new V1FrameEncoder(Network.SIGNET), expected);

        assertEquals(expected, decodeAll(new V1FrameDecoder(Network.SIGNET, HEADROOM), stream, i -> stream.length));
        assertEquals(expected, decodeAll(new V1FrameDecoder(Network.SIGNET, HEADROOM), stream, i -> 1));
        for (long seed = 1; seed <= 20; seed++) {
            assertEquals(expected, decodeAll(new V1FrameDecoder(Network.SIGNET, HEADROOM), stream,
                    randomChunks(seed, seed < 10 ? 30 : 5000)), "seed " + seed);
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(stream.length).put(stream).flip();
        assertEquals(expected, decodeAll(new V1FrameDecoder(Network.SIGNET, HEADROOM), direct, randomChunks(99, 4096)));
    }

    @Test
    void backToBackMessagesInOneBufferAreReturnedOneAtATime() throws Exception {
        byte[] a = mainnet.frame("ping", hex("0101010101010101"));
        byte[] b = hex(MAINNET_VERACK);
        byte[] c = mainnet.frame("pong", hex("0101010101010101"));
        ByteBuffer in = ByteBuffer.wrap(concat(a, b, c));
        V1FrameDecoder d = new V1FrameDecoder(Network.MAINNET, 0);
        assertEquals("ping", d.next(in).command());
        assertEquals(a.length, in.position(), "consumes nothing beyond the returned message");
        assertTrue(d.atMessageBoundary());
        assertEquals("verack", d.next(in).command());
        assertEquals(a.length + b.length, in.position());
        assertEquals("pong", d.next(in).command());
        assertNull(d.next(in));
        assertNull(d.next(in), "an exhausted buffer keeps returning null");
        assertTrue(d.atMessageBoundary());
    }

    @Test
    void partialMessageIsKeptAcrossCalls() throws Exception {
        byte[] frame = hex(MAINNET_PING);
        V1FrameDecoder d = new V1FrameDecoder(Network.MAINNET, 0);
        assertNull(d.next(ByteBuffer.wrap(frame, 0, 10)));
        assertFalse(d.atMessageBoundary());
        assertNull(d.next(ByteBuffer.wrap(frame, 10, 20)), "header complete, payload partial");
        assertFalse(d.atMessageBoundary());
        V1Message m = d.next(ByteBuffer.wrap(frame, 30, frame.length - 30));
        assertEquals("ping", m.command());
        assertTrue(d.atMessageBoundary());
    }

    @Test
    void headroomAllowsWritingTheHeaderInPlace() throws Exception {
        byte[] payload = random(5, 5000);
        byte[] frame = mainnet.frame("tx", payload);
        V1Message m = decodeOne(new V1FrameDecoder(Network.MAINNET, V1Protocol.HEADER_SIZE), frame);
        int start = m.offset() - V1Protocol.HEADER_SIZE;
        mainnet.writeHeader(m.command(), m.array(), m.offset(), m.length(), m.array(), start);
        assertArrayEquals(frame, m.array(), "header written into the headroom, payload never moved");
    }

    @Test
    void writeHeaderIntoByteBuffers() {
        byte[] payload = hex("efcdab8967452301");
        for (ByteBuffer out : new ByteBuffer[] {ByteBuffer.allocate(30), ByteBuffer.allocateDirect(30)}) {
            out.position(3);
            mainnet.writeHeader("ping", payload, 0, 8, out);
            assertEquals(27, out.position());
            byte[] got = new byte[24];
            out.position(3);
            out.get(got);
            assertEquals(MAINNET_PING.replace(" ", "").substring(0, 48), hex(got));
            out.position(10);
            assertThrows(java.nio.BufferOverflowException.class, () -> mainnet.writeHeader("ping", payload, 0, 8, out));
            assertEquals(10, out.position());
        }
    }

    @Test
    void adoptingDecoderLearnsTheFirstMagicAndThenRequiresIt() throws Exception {
        V1FrameDecoder d = V1FrameDecoder.adoptingFirstMagic(HEADROOM);
        assertTrue(d.network().isEmpty());
        V1FrameEncoder t4 = new V1FrameEncoder(Network.TESTNET4);
        ByteBuffer in = ByteBuffer.wrap(concat(t4.frame("verack", new byte[0]), mainnet.frame("verack", new byte[0])));
        assertEquals("verack", d.next(in).command());
        assertSame(Network.TESTNET4, d.network().orElseThrow());
        V1ProtocolException e = assertThrows(V1ProtocolException.class, () -> d.next(in));
        assertEquals(Reason.BAD_MAGIC, e.reason());
    }

    @Test
    void adoptingDecoderReportsACustomNetwork() throws Exception {
        Network custom = Network.custom("mysig", hex("a1b2c3d4"), 0);
        V1FrameDecoder d = V1FrameDecoder.adoptingFirstMagic(0);
        decodeOne(d, new V1FrameEncoder(custom).frame("verack", new byte[0]));
        assertArrayEquals(hex("a1b2c3d4"), d.network().orElseThrow().magic());
        assertFalse(d.network().orElseThrow().isKnown());
    }

    @Test
    void adoptingDecoderDoesNotAdoptTheMagicOfAnInvalidHeader() {
        V1FrameDecoder d = V1FrameDecoder.adoptingFirstMagic(0);
        byte[] tls = hex("1603010135010001310303" + "00".repeat(13));
        V1ProtocolException e = assertThrows(V1ProtocolException.class, () -> d.next(ByteBuffer.wrap(tls)));
        assertEquals(Reason.BAD_COMMAND, e.reason());
        assertTrue(d.network().isEmpty());
    }

    // ---------------------------------------------------------------- errors

    private static V1ProtocolException decodeError(V1FrameDecoder d, byte[] stream) {
        V1ProtocolException e = assertThrows(V1ProtocolException.class,
                () -> decodeAll(d, stream, i -> stream.length));
        assertTrue(d.isDead());
        IllegalStateException dead = assertThrows(IllegalStateException.class, () -> d.next(ByteBuffer.wrap(stream)));
        assertTrue(dead.getMessage().contains("dead"));
        return e;
    }

    @Test
    void anotherKnownNetworksMagicIsNamed() {
        byte[] frame = new V1FrameEncoder(Network.TESTNET4).frame("verack", new byte[0]);
        V1ProtocolException e = decodeError(new V1FrameDecoder(Network.MAINNET, 0), frame);
        assertEquals(Reason.BAD_MAGIC, e.reason());
        assertTrue(e.reason().isFraming());
        assertTrue(e.getMessage().contains("expected f9beb4d9 (mainnet)"), e.getMessage());
        assertTrue(e.getMessage().contains("got 1c163f28 (the testnet4 magic)"), e.getMessage());
    }

    @Test
    void unknownMagicIsReported() {
        byte[] frame = hex("16030100 76657261636b000000000000 00000000 5df6e0e2");
        V1ProtocolException e = decodeError(new V1FrameDecoder(Network.REGTEST, 0), frame);
        assertEquals(Reason.BAD_MAGIC, e.reason());
        assertTrue(e.getMessage().contains("expected fabfb5da (regtest), got 16030100 (not a known network's magic)"),
                e.getMessage());
    }

    @Test
    void badChecksumShowsExpectedAndComputed() {
        byte[] frame = hex(MAINNET_PING);
        frame[frame.length - 1] ^= 1;
        V1ProtocolException e = decodeError(new V1FrameDecoder(Network.MAINNET, 0), frame);
        assertEquals(Reason.BAD_CHECKSUM, e.reason());
        assertTrue(e.getMessage().contains("header says 33bc15e5, computed "), e.getMessage());
        assertFalse(e.getMessage().contains("computed 33bc15e5"), e.getMessage());
        assertTrue(e.getMessage().contains("\"ping\""), e.getMessage());
    }

    @Test
    void emptyPayloadWithWrongChecksumFails() {
        V1ProtocolException e = decodeError(new V1FrameDecoder(Network.MAINNET, 0),
                hex("f9beb4d9 76657261636b000000000000 00000000 00000000"));
        assertEquals(Reason.BAD_CHECKSUM, e.reason());
        assertTrue(e.getMessage().contains("header says 00000000, computed 5df6e0e2"), e.getMessage());
    }

    @Test
    void oversizedLengthFailsOnTheHeaderAlone() {
        // 4,000,001 = 0x003d0901; nothing but the 24 header bytes is ever supplied.
        byte[] header = hex("f9beb4d9 626c6f636b00000000000000 01093d00 00000000");
        V1FrameDecoder d = new V1FrameDecoder(Network.MAINNET, 0);
        ByteBuffer in = ByteBuffer.wrap(header);
        V1ProtocolException e = assertThrows(V1ProtocolException.class, () -> d.next(in));
        assertEquals(Reason.OVERSIZED_PAYLOAD, e.reason());
        assertTrue(e.getMessage().contains("4000001"), e.getMessage());
        assertTrue(e.getMessage().contains("4000000"), e.getMessage());
        assertTrue(d.isDead());
    }

    @Test
    void lengthIsUnsigned() {
        V1ProtocolException e = decodeError(new V1FrameDecoder(Network.MAINNET, 0),
                hex("f9beb4d9 626c6f636b00000000000000 ffffffff 00000000"));
        assertEquals(Reason.OVERSIZED_PAYLOAD, e.reason());
        assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
    }

    @Test
    void exactlyMaxLengthHeaderIsAccepted() throws Exception {
        byte[] header = hex("f9beb4d9 626c6f636b00000000000000 00093d00 00000000");
        V1FrameDecoder d = new V1FrameDecoder(Network.MAINNET, 0);
        assertNull(d.next(ByteBuffer.wrap(header)));
        assertFalse(d.isDead());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "01657273696f6e0000000000", // control byte first
        "76657200696f6e0000000000", // "ver" NUL "ion"
        "000000000000000000000000", // empty
        "76657273696f6e00000000ff", // junk in the padding
        "7665727369 7f 6e0000000000", // DEL
        "7665727369 e9 6e0000000000", // non-ASCII
    })
    void badCommandsAreRejectedWithEscapedBytes(String command) {
        byte[] frame = concat(hex("f9beb4d9"), hex(command), hex("00000000 5df6e0e2"));
        V1ProtocolException e = decodeError(new V1FrameDecoder(Network.MAINNET, 0), frame);
        assertEquals(Reason.BAD_COMMAND, e.reason());
        String escaped = V1Protocol.escape(hex(command), 0, 12);
        assertTrue(e.getMessage().contains("\"" + escaped + "\""), e.getMessage());
        assertTrue(escaped.contains("\\x"), escaped);
    }

    @Test
    void commandErrorMessagesExplainTheRule() {
        V1ProtocolException nulThenLetter = decodeError(new V1FrameDecoder(Network.MAINNET, 0),
                hex("f9beb4d9 76657200696f6e0000000000 00000000 5df6e0e2"));
        assertTrue(nulThenLetter.getMessage().contains("\"ver\\x00ion\\x00\\x00\\x00\\x00\\x00\""),
                nulThenLetter.getMessage());
        assertTrue(nulThenLetter.getMessage().contains("after NUL padding began at index 3"), nulThenLetter.getMessage());
        V1ProtocolException empty = decodeError(new V1FrameDecoder(Network.MAINNET, 0),
                hex("f9beb4d9 000000000000000000000000 00000000 5df6e0e2"));
        assertTrue(empty.getMessage().contains("command is empty"), empty.getMessage());
    }

    @Test
    void errorsAreTheSameWhateverTheSegmentation() throws Exception {
        List<V1Message> ignored = new ArrayList<>();
        byte[] good = mixedStream(mainnet, ignored);
        byte[] badPing = hex(MAINNET_PING);
        badPing[30] ^= 0x40;
        byte[] stream = concat(good, badPing, hex(MAINNET_VERACK));
        String first = null;
        for (long seed = 0; seed < 8; seed++) {
            V1FrameDecoder d = new V1FrameDecoder(Network.MAINNET, 0);
            List<V1Message> got = new ArrayList<>();
            ByteBuffer in = ByteBuffer.wrap(stream);
            in.limit(0);
            java.util.function.IntUnaryOperator chunks = seed == 0 ? i -> 1 : randomChunks(seed, 1000);
            V1ProtocolException e = null;
            try {
                for (int step = 0; in.limit() < stream.length; step++) {
                    in.limit(Math.min(stream.length, in.limit() + chunks.applyAsInt(step)));
                    V1Message m;
                    while ((m = d.next(in)) != null) {
                        got.add(m);
                    }
                }
            } catch (V1ProtocolException x) {
                e = x;
            }
            assertNotNull(e);
            assertEquals(ignored, got, "all messages before the bad one are delivered");
            assertEquals(Reason.BAD_CHECKSUM, e.reason());
            if (first == null) {
                first = e.getMessage();
            }
            assertEquals(first, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- encoder argument checks

    @ParameterizedTest
    @ValueSource(strings = {"", "thirteenchars", "v\u00e9rsion", "ver\u0000sion", "ping\n"})
    void encoderRejectsBadCommands(String command) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mainnet.frame(command, new byte[0]));
        assertTrue(e.getMessage().contains("command"), e.getMessage());
    }

    @Test
    void encoderAcceptsTwelveCharCommandWithoutPadding() {
        byte[] h = mainnet.header("abcdefghijkl", new byte[0], 0, 0);
        assertEquals("f9beb4d9" + "6162636465666768696a6b6c" + "00000000" + "5df6e0e2", hex(h));
    }

    @Test
    void encoderRejectsOversizedPayload() {
        byte[] big = new byte[V1Protocol.MAX_PAYLOAD + 1];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mainnet.frame("block", big));
        assertTrue(e.getMessage().contains("4000001") && e.getMessage().contains("4000000"), e.getMessage());
    }

    @Test
    void encoderChecksBoundsAndOverlap() {
        byte[] a = new byte[40];
        assertThrows(IndexOutOfBoundsException.class, () -> mainnet.header("tx", a, 30, 11));
        assertThrows(IndexOutOfBoundsException.class, () -> mainnet.writeHeader("tx", a, 0, 4, a, 30));
        assertThrows(IllegalArgumentException.class, () -> mainnet.writeHeader("tx", a, 20, 10, a, 0));
        assertEquals(24, mainnet.writeHeader("tx", a, 24, 16, a, 0));
    }

    @Test
    void decoderRejectsSillySpareRoom() {
        assertThrows(IllegalArgumentException.class, () -> new V1FrameDecoder(Network.MAINNET, -1));
        assertThrows(IllegalArgumentException.class, () -> new V1FrameDecoder(Network.MAINNET, 0, 100_000));
    }

    // ---------------------------------------------------------------- deferred checksums

    @Test
    void largePayloadsComeWithAChecksumJobThatPassesForGoodData() throws Exception {
        V1FrameDecoder d = new V1FrameDecoder(Network.MAINNET, HEADROOM);
        d.deferChecksumsFrom(1000);
        byte[] payload = random(7, 1000);
        List<V1Message> ms = decodeAll(d, concat(mainnet.frame("block", payload), mainnet.frame("tx", random(8, 999))),
                randomChunks(9, 300));
        assertEquals(2, ms.size());
        assertArrayEquals(payload, ms.get(0).copyPayload());
        DeferredChecksum job = ms.get(0).unverifiedChecksum().orElseThrow();
        assertEquals(1000, job.length());
        job.run();
        assertTrue(ms.get(1).unverifiedChecksum().isEmpty(), "999 bytes are checked at once");
    }

    @Test
    void smallPayloadsAreStillCheckedByTheDecoder() throws Exception {
        V1FrameDecoder d = new V1FrameDecoder(Network.MAINNET, 0);
        d.deferChecksumsFrom(1000);
        assertTrue(decodeOne(d, mainnet.frame("tx", random(8, 999))).unverifiedChecksum().isEmpty());
        byte[] bad = mainnet.frame("tx", random(8, 999));
        bad[20] ^= 1;
        assertEquals(Reason.BAD_CHECKSUM, decodeError(d, bad).reason());
    }

    @Test
    void aDeferredCheckFailsExactlyLikeTheDecoderWould() throws Exception {
        byte[] frame = mainnet.frame("block", random(3, 5000));
        frame[21] ^= 0x40;
        V1ProtocolException inline = decodeError(new V1FrameDecoder(Network.MAINNET, 0), frame);
        V1FrameDecoder d = new V1FrameDecoder(Network.MAINNET, 0);
        d.deferChecksumsFrom(5000);
        V1Message m = decodeOne(d, frame); // the decoder itself accepts it
        V1ProtocolException deferred = assertThrows(V1ProtocolException.class, () -> m.unverifiedChecksum().orElseThrow().run());
        assertEquals(Reason.BAD_CHECKSUM, deferred.reason());
        assertEquals(inline.getMessage(), deferred.getMessage());
    }

    @Test
    void aDeferredHeaderChecksumEqualsTheOneWrittenAtOnce() throws Exception {
        byte[] payload = random(5, 70_000);
        byte[] inPlace = new byte[24 + payload.length];
        System.arraycopy(payload, 0, inPlace, 24, payload.length);
        DeferredChecksum job = mainnet.writeHeaderDeferringChecksum("block", inPlace, 24, payload.length, inPlace, 0);
        job.run();
        assertArrayEquals(mainnet.frame("block", payload), inPlace);
        assertThrows(IllegalArgumentException.class,
                () -> mainnet.writeHeaderDeferringChecksum("block", payload, 0, 10, new byte[24], 0));
    }

    @Test
    void deferringNeedsAPositiveSize() {
        assertThrows(IllegalArgumentException.class, () -> new V1FrameDecoder(Network.MAINNET, 0).deferChecksumsFrom(0));
    }
}
