package org.bip324proxy.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class JsonCodecTest {
    @Test
    void writesAndParsesBackTheSameValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "quote \" backslash \\ newline \n tab \t ctl \u0001 é");
        m.put("n", -42L);
        m.put("d", 12.5);
        m.put("b", true);
        m.put("null", null);
        m.put("list", Arrays.asList(1L, "two", null, List.of()));
        m.put("obj", Map.of("k", false));
        String text = JsonCodec.write(m);
        assertEquals(-1, text.indexOf('\n'), "one line");
        assertEquals(m, JsonCodec.parse(text));
    }

    @Test
    void parsesWhitespaceEscapesAndExponents() {
        assertEquals(Map.of("a", List.of(1L, 2.0e3, "\u00e9/")), JsonCodec.parse(" { \"a\" : [ 1 , 2e3 , \"\\u00e9\\/\" ] } "));
    }

    @Test
    void rejectsInvalidText() {
        for (String bad : List.of("", "{", "{\"a\"}", "[1,]", "tru", "\"open", "{} x", "01x", "\"\\q\"", "\"a\u0001\"")) {
            assertThrows(IllegalArgumentException.class, () -> JsonCodec.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> JsonCodec.parse("[".repeat(100) + "]".repeat(100)));
    }
}
