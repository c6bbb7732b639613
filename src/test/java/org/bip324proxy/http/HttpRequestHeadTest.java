package org.bip324proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class HttpRequestHeadTest {
    @Test
    void theHeadEndsAtTheBlankLine() {
        byte[] b = bytes("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nrest");
        assertEquals(Optional.of(b.length - 4), HttpRequestHead.headLength(b, b.length));
        assertEquals(Optional.empty(), HttpRequestHead.headLength(b, b.length - 6));
    }

    @Test
    void theQueryIsDroppedFromThePath() throws Exception {
        byte[] b = bytes("HEAD /api/status?x=1&top=20 HTTP/1.0\r\n\r\n");
        HttpRequestHead head = HttpRequestHead.parse(b, b.length);
        assertEquals(new HttpRequestHead("HEAD", "/api/status", "x=1&top=20"), head);
        assertEquals(Optional.of("20"), head.parameter("top"));
        assertEquals(Optional.empty(), head.parameter("to"));
    }

    @Test
    void somethingElseIsMalformed() {
        for (String s : new String[] {"GET /\r\n\r\n", "GET http://x/ HTTP/1.1\r\n\r\n", "GET / SSH-2.0\r\n\r\n", " / HTTP/1.1\r\n\r\n"}) {
            byte[] b = bytes(s);
            assertThrows(HttpRequestHead.MalformedRequestException.class, () -> HttpRequestHead.parse(b, b.length), s);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
