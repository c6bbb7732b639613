package org.bip324proxy.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class TaggedHashTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void matchesBip340DefinitionComputedDirectly() throws Exception {
        String tag = "bip324_ellswift_xonly_ecdh";
        byte[] msg = HEX.parseHex("00ff10203040");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] tagHash = sha.digest(tag.getBytes(StandardCharsets.UTF_8));
        sha.update(tagHash);
        sha.update(tagHash);
        byte[] expected = sha.digest(msg);

        assertArrayEquals(expected, TaggedHash.hash(tag, msg));
        assertArrayEquals(expected, new TaggedHash(tag).hash(msg));
    }

    @Test
    void knownValueForEmptyMessage() {
        // SHA256(SHA256("abc") || SHA256("abc")), computed independently with the sha256sum tool.
        assertEquals("3b771ca97e3c17698aff21227fa046b5622a30d8ee5d2de4ee1111a1cdf258ee",
                HEX.formatHex(TaggedHash.hash("abc")));
    }

    @Test
    void partsAreConcatenated() {
        TaggedHash h = new TaggedHash("t");
        assertArrayEquals(h.hash(HEX.parseHex("010203")), h.hash(HEX.parseHex("01"), new byte[0], HEX.parseHex("0203")));
    }

    @Test
    void tagMatters() {
        byte[] msg = {1};
        assertFalse(Arrays.equals(TaggedHash.hash("a", msg), TaggedHash.hash("b", msg)));
        assertEquals(TaggedHash.LENGTH, TaggedHash.hash("a", msg).length);
    }

    @Test
    void rejectsNulls() {
        assertThrows(NullPointerException.class, () -> new TaggedHash(null));
        assertThrows(NullPointerException.class, () -> new TaggedHash("t").hash((byte[]) null));
    }
}
