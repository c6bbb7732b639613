package org.bip324proxy.crypto;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.bip324proxy.testsupport.OfficialVectors;
import org.bip324proxy.testsupport.OfficialVectors.Row;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every row of the official BIP324 ElligatorSwift and (ECDH part of the) packet vectors. */
@Tag("fast")
class EllSwiftOfficialVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    private static Stream<Named<Row>> rows(String file, int expectedRows) {
        List<Row> rows = OfficialVectors.load(file);
        assertEquals(expectedRows, rows.size(), file + " row count");
        return rows.stream().map(row -> Named.of(file + " line " + row.line(), row));
    }

    static Stream<Named<Row>> xswiftecInvRows() {
        return rows("xswiftec_inv_test_vectors.csv", 32);
    }

    static Stream<Named<Row>> decodeRows() {
        return rows("ellswift_decode_test_vectors.csv", 76);
    }

    static Stream<Named<Row>> packetRows() {
        return rows("packet_encoding_test_vectors.csv", 7);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("xswiftecInvRows")
    void xswiftecInvMatchesAllEightCases(Row row) {
        byte[] u = HEX.parseHex(row.get("u"));
        byte[] x = HEX.parseHex(row.get("x"));
        List<Executable> checks = new ArrayList<>();
        for (int kase = 0; kase < 8; kase++) {
            int c = kase;
            String expected = row.get("case" + c + "_t");
            checks.add(() -> {
                byte[] t = EllSwift.xswiftecInv(x, u, c);
                if (expected.isEmpty()) {
                    assertNull(t, "case " + c + " must have no solution");
                } else {
                    assertEquals(expected, t == null ? null : HEX.formatHex(t), "case " + c);
                    byte[] encoding = new byte[64];
                    System.arraycopy(u, 0, encoding, 0, 32);
                    System.arraycopy(t, 0, encoding, 32, 32);
                    assertArrayEquals(x, EllSwift.decode(encoding), "case " + c + " t decodes back to x");
                }
            });
        }
        assertAll(row.get("comment"), checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decodeRows")
    void decodeMatches(Row row) {
        byte[] encoding = HEX.parseHex(row.get("ellswift"));
        assertEquals(row.get("x"), HEX.formatHex(EllSwift.decode(encoding)), row.get("comment"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packetRows")
    void ecdhMatchesPacketVector(Row row) {
        EllSwiftKeyPair ours = EllSwiftKeyPair.of(
                HEX.parseHex(row.get("in_priv_ours")), HEX.parseHex(row.get("in_ellswift_ours")));
        byte[] theirs = HEX.parseHex(row.get("in_ellswift_theirs"));
        boolean initiating = parseFlag(row.get("in_initiating"));
        assertAll(
                () -> assertEquals(row.get("mid_x_ours"), HEX.formatHex(ours.publicX()), "x ours"),
                () -> assertEquals(row.get("mid_x_ours"),
                        HEX.formatHex(EllSwift.decode(ours.encoding())), "decode(ellswift ours)"),
                () -> assertEquals(row.get("mid_x_theirs"), HEX.formatHex(EllSwift.decode(theirs)), "x theirs"),
                () -> assertEquals(row.get("mid_x_shared"), HEX.formatHex(ours.xonlyEcdh(theirs)), "x shared"),
                () -> assertEquals(row.get("mid_shared_secret"),
                        HEX.formatHex(ours.v2EcdhSecret(theirs, initiating)), "shared secret"));
    }

    private static boolean parseFlag(String cell) {
        switch (cell) {
            case "1": return true;
            case "0": return false;
            default: throw new IllegalArgumentException("in_initiating must be 0 or 1, got " + cell);
        }
    }
}
