package org.bip324proxy.socks5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class Socks5UsersTest {
    @Test
    void parsesUsersSkippingCommentsAndBlankLines() {
        Socks5Users users = Socks5Users.parse(List.of("# who may connect", "", "alice:se:cret", "bob:x"));
        assertTrue(users.required());
        assertEquals(2, users.size());
        assertTrue(users.accepts("alice", "se:cret".getBytes(StandardCharsets.UTF_8)));
        assertTrue(users.accepts("bob", "x".getBytes(StandardCharsets.UTF_8)));
        assertFalse(users.accepts("bob", "y".getBytes(StandardCharsets.UTF_8)));
        assertFalse(users.accepts("carol", "x".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anyoneAcceptsEverything() {
        assertFalse(Socks5Users.ANYONE.required());
        assertTrue(Socks5Users.ANYONE.accepts("", new byte[0]));
    }

    @Test
    void badFilesNameTheLine() {
        assertEquals("line 2: expected USERNAME:PASSWORD",
                assertThrows(IllegalArgumentException.class, () -> Socks5Users.parse(List.of("a:b", "nocolon"))).getMessage());
        assertEquals("line 1: username and password must each have 1..255 bytes",
                assertThrows(IllegalArgumentException.class, () -> Socks5Users.parse(List.of("a:"))).getMessage());
        assertEquals("line 1: username and password must each have 1..255 bytes",
                assertThrows(IllegalArgumentException.class, () -> Socks5Users.parse(List.of("a:" + "p".repeat(256)))).getMessage());
        assertEquals("line 3: user 'a' is listed twice",
                assertThrows(IllegalArgumentException.class, () -> Socks5Users.parse(List.of("a:b", "#", "a:c"))).getMessage());
        assertEquals("no USERNAME:PASSWORD line",
                assertThrows(IllegalArgumentException.class, () -> Socks5Users.parse(List.of("# empty"))).getMessage());
    }
}
