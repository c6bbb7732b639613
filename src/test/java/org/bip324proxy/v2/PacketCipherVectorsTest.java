package org.bip324proxy.v2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.testsupport.OfficialVectors;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The official BIP324 packet-encoding vectors, from the ECDH shared secret onwards: key schedule,
 * session id, garbage terminators, the ciphertext of the packet after {@code in_idx} earlier ones,
 * and its decryption by the other side. Runs once per AEAD backend.
 */
@Tag("fast")
class PacketCipherVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MAINNET_MAGIC = HEX.parseHex("f9beb4d9");

    static Stream<Arguments> vectors() {
        List<Arguments> cases = new ArrayList<>();
        for (OfficialVectors.Row row : OfficialVectors.load("packet_encoding_test_vectors.csv")) {
            for (AeadBackend backend : AeadBackend.values()) {
                cases.add(Arguments.of(Named.of("idx " + row.get("in_idx") + " line " + row.line(), row), backend));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("vectors")
    void matchesOfficialVector(OfficialVectors.Row row, AeadBackend backend) {
        byte[] secret = HEX.parseHex(row.get("mid_shared_secret"));
        boolean initiating = row.get("in_initiating").equals("1");

        SessionKeys keys = SessionKeys.derive(secret, MAINNET_MAGIC);
        assertArrayEquals(HEX.parseHex(row.get("mid_initiator_l")), keys.initiatorL);
        assertArrayEquals(HEX.parseHex(row.get("mid_initiator_p")), keys.initiatorP);
        assertArrayEquals(HEX.parseHex(row.get("mid_responder_l")), keys.responderL);
        assertArrayEquals(HEX.parseHex(row.get("mid_responder_p")), keys.responderP);

        PacketCipher ours = new PacketCipher(keys, initiating, backend);
        assertArrayEquals(HEX.parseHex(row.get("out_session_id")), ours.sessionId());
        assertArrayEquals(HEX.parseHex(row.get("mid_send_garbage_terminator")), ours.sendGarbageTerminator());
        assertArrayEquals(HEX.parseHex(row.get("mid_recv_garbage_terminator")), ours.recvGarbageTerminator());

        int index = Integer.parseInt(row.get("in_idx"));
        byte[] contents = repeat(HEX.parseHex(row.get("in_contents")), Integer.parseInt(row.get("in_multiply")));
        byte[] aad = HEX.parseHex(row.get("in_aad"));
        boolean ignore = row.get("in_ignore").equals("1");

        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < index; i++) {
            sent.add(ours.encrypt(new byte[0], 0, 0, new byte[0], false));
        }
        byte[] packet = ours.encrypt(contents, 0, contents.length, aad, ignore);
        String expected = row.get("out_ciphertext");
        if (!expected.isEmpty()) {
            assertEquals(expected, HEX.formatHex(packet));
        } else {
            String tail = row.get("out_ciphertext_endswith");
            assertTrue(HEX.formatHex(packet).endsWith(tail), "ciphertext must end with " + tail);
        }

        // The other side, built from the same shared secret, decrypts every packet in order.
        PacketCipher theirs = new PacketCipher(SessionKeys.derive(secret, MAINNET_MAGIC), !initiating, backend);
        for (byte[] dummy : sent) {
            assertEquals(0, theirs.decryptLength(dummy, 0));
            assertEquals(0, theirs.decryptInPlace(dummy, PacketCipher.LENGTH_LEN, 0, new byte[0]));
        }
        assertEquals(contents.length, theirs.decryptLength(packet, 0));
        int header = theirs.decryptInPlace(packet, PacketCipher.LENGTH_LEN, contents.length, aad);
        assertEquals(ignore ? PacketCipher.IGNORE_BIT : 0, header);
        int contentsOff = PacketCipher.LENGTH_LEN + PacketCipher.HEADER_LEN;
        assertArrayEquals(contents, Arrays.copyOfRange(packet, contentsOff, contentsOff + contents.length));
    }

    private static byte[] repeat(byte[] unit, int times) {
        byte[] out = new byte[unit.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(unit, 0, out, i * unit.length, unit.length);
        }
        return out;
    }
}
