package org.bip324proxy.v1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("fast")
class NetworkTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @ParameterizedTest
    @CsvSource({
        "mainnet,  f9beb4d9, 8333",
        "testnet3, 0b110907, 18333",
        "testnet4, 1c163f28, 48333",
        "signet,   0a03cf40, 38333",
        "regtest,  fabfb5da, 18444",
    })
    void knownNetworksHaveCoreMagicAndPort(String name, String magicHex, int port) {
        Network n = Network.parse(name);
        assertEquals(name, n.name());
        assertArrayEquals(hex(magicHex), n.magic());
        assertEquals(magicHex, n.magicHex());
        assertEquals(port, n.defaultPort());
        assertTrue(n.isKnown());
        assertSame(n, Network.knownByMagic(hex(magicHex)).orElseThrow());
        assertSame(n, Network.forMagic(hex(magicHex)));
        assertSame(n, Network.parse(magicHex), "bare magic of a known network yields the constant");
        assertSame(n, Network.parse(name.toUpperCase()));
        assertSame(n, Network.parse(name + ":" + magicHex));
    }

    @Test
    void aliases() {
        assertSame(Network.MAINNET, Network.parse("main"));
        assertSame(Network.TESTNET3, Network.parse("testnet"));
        assertSame(Network.TESTNET3, Network.parse("test"));
        assertSame(Network.REGTEST, Network.parse(" regtest "));
    }

    @Test
    void magicIsADefensiveCopy() {
        byte[] m = Network.MAINNET.magic();
        m[0] = 0;
        assertArrayEquals(hex("f9beb4d9"), Network.MAINNET.magic());
        assertNotSame(Network.MAINNET.magic(), Network.MAINNET.magic());
    }

    @Test
    void customFromNameMagicAndPort() {
        Network n = Network.parse("mysignet:0A1B2C3D:38334");
        assertEquals("mysignet", n.name());
        assertArrayEquals(hex("0a1b2c3d"), n.magic());
        assertEquals(38334, n.defaultPort());
        assertFalse(n.isKnown());
        assertEquals(n, Network.parse("mysignet:0a1b2c3d:38334"));

        Network noPort = Network.parse("mysignet:0a1b2c3d");
        assertEquals(0, noPort.defaultPort());
    }

    @Test
    void customFromBareMagic() {
        Network n = Network.parse("0a1b2c3d");
        assertFalse(n.isKnown());
        assertEquals("custom-0a1b2c3d", n.name());
        assertEquals(0, n.defaultPort());
        assertEquals(n, Network.forMagic(hex("0a1b2c3d")));
        assertEquals(Optional.empty(), Network.knownByMagic(hex("0a1b2c3d")));
    }

    @Test
    void customApiRejectsKnownMagicOrName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Network.custom("foo", hex("fabfb5da"), 0));
        assertTrue(e.getMessage().contains("regtest"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Network.custom("Signet", hex("01020304"), 0));
        assertThrows(IllegalArgumentException.class, () -> Network.custom("ok", hex("010203"), 0));
        assertThrows(IllegalArgumentException.class, () -> Network.custom("ok", hex("01020304"), 70000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "bitcoin", "f9beb4d", "f9beb4d9aa", "zzzzzzzz", "foo:f9beb4d9",
            "x:0a1b2c3g", "x:0a1b2c3d:0", "x:0a1b2c3d:99999", "x:0a1b2c3d:port", ":0a1b2c3d",
            "mainnet:01020304", "a:b:c:d", "sp ace:0a1b2c3d"})
    void badInputListsValidForms(String input) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Network.parse(input));
        assertTrue(e.getMessage().contains(Network.VALID_FORMS), e.getMessage());
        assertTrue(e.getMessage().startsWith("invalid network \"" + input + "\""), e.getMessage());
    }

    @Test
    void knownMagicUnderAnotherNameIsExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Network.parse("foo:f9beb4d9"));
        assertTrue(e.getMessage().contains("belongs to mainnet"), e.getMessage());
    }

    @Test
    void nullIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Network.parse(null));
    }

    @Test
    void toStringShowsNameAndMagic() {
        assertEquals("testnet4 (1c163f28)", Network.TESTNET4.toString());
    }
}
