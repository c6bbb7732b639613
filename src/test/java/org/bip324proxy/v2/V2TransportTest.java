package org.bip324proxy.v2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.crypto.EllSwiftKeyPair;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Initiator ⇄ responder sessions through an in-memory wire, with hostile chunking and peers. */
@Tag("fast")
class V2TransportTest {
    private static final byte[] MAINNET = HexFormat.of().parseHex("f9beb4d9");
    private static final byte[] TESTNET4 = HexFormat.of().parseHex("1c163f28");
    private static final SecureRandom RNG = new SecureRandom();

    /** Delivers bytes to a transport in chunks whose sizes come from {@code chunker}. */
    private static List<V2Packet> deliver(V2Transport to, byte[] bytes, Random chunker, int maxChunk)
            throws V2ProtocolException {
        List<V2Packet> packets = new ArrayList<>();
        int pos = 0;
        while (pos < bytes.length) {
            int n = Math.min(bytes.length - pos, 1 + chunker.nextInt(maxChunk));
            ByteBuffer in = ByteBuffer.wrap(bytes, pos, n);
            V2Packet p;
            while ((p = to.receive(in)) != null) {
                packets.add(p);
            }
            assertEquals(0, in.remaining(), "receive() must consume everything when it returns null");
            pos += n;
        }
        return packets;
    }

    private static V2Transport transport(V2Transport.Role role, int garbageLen, AeadBackend backend) {
        byte[] garbage = new byte[garbageLen];
        RNG.nextBytes(garbage);
        return new V2Transport(role, MAINNET, EllSwiftKeyPair.generate(RNG), garbage, backend, 0);
    }

    /** Runs the 1.5-round-trip handshake; returns {initiator, responder}. */
    private static V2Transport[] handshake(int initiatorGarbage, int responderGarbage, Random chunker, int maxChunk,
            AeadBackend backend) throws V2ProtocolException {
        V2Transport initiator = transport(V2Transport.Role.INITIATOR, initiatorGarbage, backend);
        V2Transport responder = transport(V2Transport.Role.RESPONDER, responderGarbage, backend);
        assertFalse(initiator.canSend());
        assertEquals(0, responder.takeOutput().length, "responder must stay silent until the peer is known v2");
        assertTrue(deliver(responder, initiator.takeOutput(), chunker, maxChunk).isEmpty());
        assertTrue(responder.canSend());
        assertTrue(deliver(initiator, responder.takeOutput(), chunker, maxChunk).isEmpty());
        assertTrue(initiator.canSend());
        assertTrue(initiator.isHandshakeComplete());
        assertTrue(deliver(responder, initiator.takeOutput(), chunker, maxChunk).isEmpty());
        assertTrue(responder.isHandshakeComplete());
        assertArrayEquals(initiator.sessionId(), responder.sessionId());
        return new V2Transport[] {initiator, responder};
    }

    private static byte[] contentsOf(V2Packet p) {
        return Arrays.copyOfRange(p.array(), p.offset(), p.offset() + p.length());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 1000, 4094, 4095})
    void handshakeSucceedsForEveryGarbageLengthBoundary(int garbageLen) throws Exception {
        handshake(garbageLen, V2Transport.MAX_GARBAGE_LEN - garbageLen, new Random(garbageLen), 5000, AeadBackend.JDK);
    }

    @ParameterizedTest
    @EnumSource(AeadBackend.class)
    void thousandsOfPacketsAcrossRekeysSurviveAnyChunking(AeadBackend backend) throws Exception {
        Random random = new Random(7);
        V2Transport[] pair = handshake(300, 4095, random, 97, backend);
        for (int direction = 0; direction < 2; direction++) {
            V2Transport from = pair[direction];
            V2Transport to = pair[1 - direction];
            List<byte[]> sent = new ArrayList<>();
            ByteBuffer wire = ByteBuffer.allocate(4 << 20);
            for (int i = 0; i < 1500; i++) { // > 6 rekeys of both ciphers
                byte[] contents = new byte[random.nextInt(300)];
                random.nextBytes(contents);
                if (i % 37 == 0) {
                    wire.put(from.encrypt(new byte[random.nextInt(50)], 0, 0, true)); // decoy
                }
                wire.put(from.encrypt(contents, 0, contents.length, false));
                sent.add(contents);
            }
            byte[] bytes = Arrays.copyOf(wire.array(), wire.position());
            List<V2Packet> received = deliver(to, bytes, random, 700);
            assertEquals(sent.size(), received.size());
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), contentsOf(received.get(i)), "packet " + i);
            }
        }
    }

    @Test
    void oneByteAtATimeGivesTheSameResult() throws Exception {
        Random random = new Random(11);
        V2Transport[] pair = handshake(4095, 0, random, 1, AeadBackend.BOUNCY_CASTLE);
        byte[] a = pair[0].encrypt(new byte[] {1, 2, 3}, 0, 3, false);
        byte[] b = pair[0].encrypt(new byte[0], 0, 0, false);
        byte[] wire = concat(a, b);
        List<V2Packet> got = deliver(pair[1], wire, random, 1);
        assertEquals(2, got.size());
        assertArrayEquals(new byte[] {1, 2, 3}, contentsOf(got.get(0)));
        assertEquals(0, got.get(1).length());
    }

    /** Attack: a peer claims a maximum-size packet and sends 10 bytes of it (issue 10, fault 7). */
    @Test
    void aClaimedHugePacketCommitsMemoryOnlyAsItsBytesArrive() throws Exception {
        V2Transport[] pair = handshake(0, 0, new Random(7), 5000, AeadBackend.JDK);
        byte[] contents = new byte[V2Transport.MAX_CONTENTS_LEN];
        new Random(8).nextBytes(contents);
        byte[] wire = pair[0].encrypt(contents, 0, contents.length, false);
        V2Transport receiver = pair[1];
        int before = receiver.bufferedBytes();
        assertNull(receiver.receive(ByteBuffer.wrap(wire, 0, PacketCipher.LENGTH_LEN + 10)));
        int held = receiver.bufferedBytes() - before;
        assertTrue(held <= V2Transport.INITIAL_PACKET_ALLOCATION,
                "10 bytes of a " + wire.length + "-byte packet hold " + held + " bytes");

        Random chunker = new Random(9);
        int pos = PacketCipher.LENGTH_LEN + 10;
        V2Packet got = null;
        while (pos < wire.length) {
            int n = Math.min(wire.length - pos, 1 + chunker.nextInt(300_000));
            int received = pos + n - PacketCipher.LENGTH_LEN;
            got = receiver.receive(ByteBuffer.wrap(wire, pos, n));
            pos += n;
            if (got == null) {
                assertTrue(receiver.bufferedBytes() <= Math.max(V2Transport.INITIAL_PACKET_ALLOCATION, 2L * received),
                        "after " + received + " bytes the transport holds " + receiver.bufferedBytes());
            }
        }
        assertNotNull(got);
        assertArrayEquals(contents, contentsOf(got));
        assertEquals(0, receiver.bufferedBytes());
    }

    @Test
    void maximumSizePacketAndReceiveHeadroom() throws Exception {
        V2Transport initiator = transport(V2Transport.Role.INITIATOR, 10, AeadBackend.JDK);
        byte[] garbage = new byte[20];
        V2Transport responder = new V2Transport(V2Transport.Role.RESPONDER, MAINNET, EllSwiftKeyPair.generate(RNG),
                garbage, AeadBackend.JDK, 24);
        responder.receive(ByteBuffer.wrap(initiator.takeOutput()));
        initiator.receive(ByteBuffer.wrap(responder.takeOutput()));
        responder.receive(ByteBuffer.wrap(initiator.takeOutput()));
        byte[] big = new byte[V2Transport.MAX_CONTENTS_LEN];
        new Random(3).nextBytes(big);
        V2Packet p = responder.receive(ByteBuffer.wrap(initiator.encrypt(big, 0, big.length, false)));
        assertNotNull(p);
        assertEquals(24 + PacketCipher.HEADER_LEN, p.offset());
        assertArrayEquals(big, contentsOf(p));
    }

    @Test
    void oversizedPacketIsRejectedBeforeBuffering() throws Exception {
        V2Transport[] pair = handshake(0, 0, new Random(1), 4096, AeadBackend.JDK);
        byte[] tooBig = new byte[V2Transport.MAX_CONTENTS_LEN + 1];
        byte[] packet = pair[0].encrypt(tooBig, 0, tooBig.length, false);
        V2ProtocolException e = assertThrows(V2ProtocolException.class,
                () -> pair[1].receive(ByteBuffer.wrap(packet, 0, PacketCipher.LENGTH_LEN)));
        assertEquals(V2ProtocolException.Reason.OVERSIZED_PACKET, e.reason());
        assertTrue(e.getMessage().contains("4000014"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> pair[1].receive(ByteBuffer.allocate(1)));
    }

    @Test
    void tamperingAnyBodyBitFailsAuthentication() throws Exception {
        byte[] contents = "tamper me".getBytes();
        for (int bit = PacketCipher.LENGTH_LEN * 8; bit < (contents.length + PacketCipher.EXPANSION) * 8; bit++) {
            V2Transport[] pair = handshake(0, 0, new Random(bit), 4096, AeadBackend.JDK);
            byte[] packet = pair[0].encrypt(contents, 0, contents.length, false);
            packet[bit / 8] ^= (byte) (1 << (bit % 8));
            V2ProtocolException e = assertThrows(V2ProtocolException.class, () -> pair[1].receive(ByteBuffer.wrap(packet)));
            assertEquals(V2ProtocolException.Reason.AUTHENTICATION_FAILED, e.reason(), "bit " + bit);
        }
    }

    @Test
    void tamperingALengthBitFailsOnceTheClaimedBytesArrive() throws Exception {
        byte[] contents = new byte[40];
        for (int bit = 0; bit < 24; bit++) {
            V2Transport[] pair = handshake(0, 0, new Random(bit), 4096, AeadBackend.JDK);
            byte[] packet = pair[0].encrypt(contents, 0, contents.length, false);
            packet[bit / 8] ^= (byte) (1 << (bit % 8));
            byte[] more = new byte[V2Transport.MAX_CONTENTS_LEN + PacketCipher.EXPANSION];
            byte[] stream = concat(packet, more);
            V2ProtocolException e = assertThrows(V2ProtocolException.class, () -> pair[1].receive(ByteBuffer.wrap(stream)));
            assertTrue(e.reason() == V2ProtocolException.Reason.AUTHENTICATION_FAILED
                    || e.reason() == V2ProtocolException.Reason.OVERSIZED_PACKET, "bit " + bit + ": " + e.reason());
        }
    }

    @Test
    void garbageTerminatorAfterExactly4095BytesIsAcceptedButNotAfter4096() throws Exception {
        // 4095 garbage bytes: accepted (covered by the boundary test too, here on the responder side).
        handshake(4095, 4095, new Random(5), 4096, AeadBackend.JDK);

        // A peer that sends 4096 bytes of garbage: the terminator cannot be found in time.
        V2Transport initiator = transport(V2Transport.Role.INITIATOR, 0, AeadBackend.JDK);
        EllSwiftKeyPair peerKey = EllSwiftKeyPair.generate(RNG);
        byte[] wire = concat(peerKey.encoding(), new byte[V2Transport.MAX_GARBAGE_LEN + V2Transport.GARBAGE_TERMINATOR_LEN]);
        V2ProtocolException e = assertThrows(V2ProtocolException.class, () -> initiator.receive(ByteBuffer.wrap(wire)));
        assertEquals(V2ProtocolException.Reason.GARBAGE_TERMINATOR_NOT_FOUND, e.reason());
        // One byte fewer: still waiting, no error.
        V2Transport patient = transport(V2Transport.Role.INITIATOR, 0, AeadBackend.JDK);
        assertNull(patient.receive(ByteBuffer.wrap(wire, 0, wire.length - 1)));
    }

    @Test
    void responderRecognisesAV1PeerAndHandsBackTheBytes() throws Exception {
        V2Transport responder = transport(V2Transport.Role.RESPONDER, 100, AeadBackend.JDK);
        byte[] v1Version = concat(MAINNET, "version\0\0\0\0\0".getBytes(), new byte[] {0x66, 0, 0, 0, 1, 2, 3, 4});
        ByteBuffer in = ByteBuffer.wrap(v1Version);
        assertNull(responder.receive(in));
        assertTrue(responder.isV1());
        assertEquals(0, responder.takeOutput().length, "must send nothing to a v1 peer");
        assertArrayEquals(Arrays.copyOf(v1Version, 16), responder.v1Prefix());
        assertEquals(16, in.position(), "bytes after the prefix stay unread");
        assertThrows(IllegalStateException.class, () -> responder.encrypt(new byte[0], 0, 0, false));
    }

    @Test
    void responderAnswersOnTheFirstMismatchingByteOnly() throws Exception {
        V2Transport responder = transport(V2Transport.Role.RESPONDER, 0, AeadBackend.JDK);
        byte[] start = Arrays.copyOf(MAINNET, 6);
        System.arraycopy("ve".getBytes(), 0, start, 4, 2);
        assertNull(responder.receive(ByteBuffer.wrap(start)));
        assertEquals(0, responder.takeOutput().length, "prefix still matches: stay silent");
        assertNull(responder.receive(ByteBuffer.wrap(new byte[] {'X'})));
        assertEquals(V2Transport.KEY_LEN, responder.takeOutput().length, "first mismatch: send key (no garbage)");
    }

    @Test
    void responderReportsAV1PeerOfAnotherNetwork() {
        V2Transport responder = transport(V2Transport.Role.RESPONDER, 0, AeadBackend.JDK);
        byte[] testnet4Version = concat(TESTNET4, "version\0\0\0\0\0".getBytes(), new byte[48]);
        V2ProtocolException e = assertThrows(V2ProtocolException.class,
                () -> responder.receive(ByteBuffer.wrap(testnet4Version)));
        assertEquals(V2ProtocolException.Reason.WRONG_NETWORK, e.reason());
        assertTrue(e.getMessage().contains("1c163f28"), e.getMessage());
    }

    @Test
    void sessionsOnDifferentNetworksNeverAgree() throws Exception {
        V2Transport initiator = transport(V2Transport.Role.INITIATOR, 0, AeadBackend.JDK);
        V2Transport responder = new V2Transport(V2Transport.Role.RESPONDER, TESTNET4, EllSwiftKeyPair.generate(RNG),
                new byte[0], AeadBackend.JDK, 0);
        responder.receive(ByteBuffer.wrap(initiator.takeOutput()));
        byte[] reply = concat(responder.takeOutput(), new byte[V2Transport.MAX_GARBAGE_LEN]);
        V2ProtocolException e = assertThrows(V2ProtocolException.class, () -> initiator.receive(ByteBuffer.wrap(reply)));
        assertEquals(V2ProtocolException.Reason.GARBAGE_TERMINATOR_NOT_FOUND, e.reason());
    }

    /**
     * A hand-built responder that sends decoys before and after its version packet, a non-empty
     * version packet, and its first packet in the same chunk as the terminator.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void decoysAnywhereAndNonEmptyVersionContentsAreAccepted(boolean firstPacketIsDecoy) throws Exception {
        V2Transport initiator = transport(V2Transport.Role.INITIATOR, 33, AeadBackend.JDK);
        byte[] hello = initiator.takeOutput();
        byte[] initiatorKey = Arrays.copyOf(hello, 64);

        EllSwiftKeyPair key = EllSwiftKeyPair.generate(RNG);
        byte[] garbage = new byte[777];
        RNG.nextBytes(garbage);
        byte[] secret = key.v2EcdhSecret(initiatorKey, false);
        PacketCipher responder = new PacketCipher(SessionKeys.derive(secret, MAINNET), false, AeadBackend.JDK);

        ByteBuffer wire = ByteBuffer.allocate(10_000);
        wire.put(key.encoding()).put(garbage).put(responder.sendGarbageTerminator());
        if (firstPacketIsDecoy) {
            wire.put(responder.encrypt(new byte[5], 0, 5, garbage, true));
            wire.put(responder.encrypt(new byte[0], 0, 0, new byte[0], true));
            wire.put(responder.encrypt(new byte[] {9, 9}, 0, 2, new byte[0], false)); // version packet, contents ignored
        } else {
            wire.put(responder.encrypt(new byte[] {9, 9}, 0, 2, garbage, false));
        }
        wire.put(responder.encrypt(new byte[3], 0, 3, new byte[0], true));
        wire.put(responder.encrypt(new byte[] {18, 1, 2, 3, 4, 5, 6, 7, 8}, 0, 9, new byte[0], false));
        byte[] bytes = Arrays.copyOf(wire.array(), wire.position());

        List<V2Packet> got = deliver(initiator, bytes, new Random(2), bytes.length);
        assertEquals(1, got.size());
        assertArrayEquals(new byte[] {18, 1, 2, 3, 4, 5, 6, 7, 8}, contentsOf(got.get(0)));
        assertEquals(firstPacketIsDecoy ? 3 : 1, initiator.decoysReceived());
        assertArrayEquals(responder.sessionId(), initiator.sessionId());
    }

    @Test
    void firstPacketWithoutGarbageAadFailsAuthentication() throws Exception {
        V2Transport initiator = transport(V2Transport.Role.INITIATOR, 0, AeadBackend.JDK);
        byte[] initiatorKey = Arrays.copyOf(initiator.takeOutput(), 64);
        EllSwiftKeyPair key = EllSwiftKeyPair.generate(RNG);
        byte[] garbage = {1, 2, 3};
        PacketCipher responder = new PacketCipher(SessionKeys.derive(key.v2EcdhSecret(initiatorKey, false), MAINNET),
                false, AeadBackend.JDK);
        byte[] wire = concat(key.encoding(), garbage, responder.sendGarbageTerminator(),
                responder.encrypt(new byte[0], 0, 0, new byte[0], false));
        V2ProtocolException e = assertThrows(V2ProtocolException.class, () -> initiator.receive(ByteBuffer.wrap(wire)));
        assertEquals(V2ProtocolException.Reason.AUTHENTICATION_FAILED, e.reason());
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }
}
