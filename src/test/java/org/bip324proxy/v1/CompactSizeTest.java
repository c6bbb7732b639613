package org.bip324proxy.v1;

import static org.bip324proxy.v1.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.bip324proxy.v1.V1ProtocolException.Reason;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("fast")
class CompactSizeTest {
    @ParameterizedTest
    @CsvSource({
        "0, 00",
        "252, fc",
        "253, fdfd00",
        "256, fd0001",
        "65535, fdffff",
        "65536, fe00000100",
        "33554432, fe00000002", // MAX_SIZE
    })
    void canonicalEncodings(int value, String encoding) throws Exception {
        byte[] expected = hex(encoding);
        byte[] buf = new byte[12];
        assertEquals(expected.length, CompactSize.write(value, buf, 2));
        assertEquals(encoding, Bytes.hex(Arrays.copyOfRange(buf, 2, 2 + expected.length)));
        assertEquals(expected.length, CompactSize.encodedSize(value));
        assertEquals(value, CompactSize.read(buf, 2, 2 + expected.length));
    }

    @ParameterizedTest
    @CsvSource({
        "4294967296, ff0000000001000000",
        "4294967295, feffffffff",
    })
    void wideEncodings(long value, String encoding) {
        byte[] buf = new byte[9];
        int n = CompactSize.write(value, buf, 0);
        assertEquals(encoding, Bytes.hex(Arrays.copyOf(buf, n)));
    }

    @ParameterizedTest
    @CsvSource({
        "fdfc00, BAD_COMPACT_SIZE", // 252 in 3 bytes
        "fe00000000, BAD_COMPACT_SIZE",
        "feffff0000, BAD_COMPACT_SIZE", // 65535 in 5 bytes
        "ff00000000ffffffff, BAD_COMPACT_SIZE", // canonical 9-byte form, but far above MAX_SIZE
        "ffffffffff00000000, BAD_COMPACT_SIZE", // 0xffffffff in 9 bytes: non-canonical
        "fe01000002, BAD_COMPACT_SIZE", // MAX_SIZE + 1
        "ffffffffffffffffff, BAD_COMPACT_SIZE",
        "fd01, TRUNCATED_PAYLOAD",
        "fe010000, TRUNCATED_PAYLOAD",
        "ff0100, TRUNCATED_PAYLOAD",
    })
    void invalidEncodings(String encoding, Reason reason) {
        byte[] b = hex(encoding);
        V1ProtocolException e = assertThrows(V1ProtocolException.class, () -> CompactSize.read(b, 0, b.length));
        assertEquals(reason, e.reason());
    }

    @org.junit.jupiter.api.Test
    void readingAtTheEndIsTruncated() {
        byte[] b = hex("05");
        V1ProtocolException e = assertThrows(V1ProtocolException.class, () -> CompactSize.read(b, 1, 1));
        assertEquals(Reason.TRUNCATED_PAYLOAD, e.reason());
    }

    @org.junit.jupiter.api.Test
    void doesNotReadPastEnd() {
        byte[] b = hex("fd0001 00");
        V1ProtocolException e = assertThrows(V1ProtocolException.class, () -> CompactSize.read(b, 0, 2));
        assertEquals(Reason.TRUNCATED_PAYLOAD, e.reason());
    }
}
