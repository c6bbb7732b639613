package org.bip324proxy.v1;

import static org.bip324proxy.v1.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import org.bip324proxy.v1.V1Sniffer.Result;
import org.bip324proxy.v1.V1Sniffer.Verdict;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("fast")
class V1SnifferTest {
    private static Result sniff(byte[] b, int len) {
        ByteBuffer buf = ByteBuffer.wrap(b, 0, len);
        Result r = V1Sniffer.sniff(buf);
        assertEquals(0, buf.position(), "sniffing must not consume");
        return r;
    }

    private static Result sniff(byte[] b) {
        return sniff(b, b.length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mainnet", "testnet3", "testnet4", "signet", "regtest"})
    void detectsEveryKnownNetworkFromItsVersionMessage(String name) {
        Network n = Network.parse(name);
        byte[] frame = new V1FrameEncoder(n).frame("version", Bytes.hex(V1FrameCodecTest.DevRef.PAYLOAD));
        for (int len = 0; len < V1Sniffer.BYTES_FOR_VERDICT; len++) {
            assertEquals(Verdict.NEED_MORE, sniff(frame, len).verdict(), "prefix of " + len + " bytes");
            assertTrue(sniff(frame, len).network().isEmpty());
        }
        for (int len : new int[] {V1Sniffer.BYTES_FOR_VERDICT, 24, frame.length}) {
            Result r = sniff(frame, len);
            assertEquals(Verdict.V1, r.verdict());
            assertSame(n, r.network().orElseThrow());
        }
        assertEquals(Optional.of(n), V1Sniffer.detectNetwork(ByteBuffer.wrap(frame)));
    }

    @Test
    void honoursThePositionOfTheBuffer() {
        byte[] frame = new V1FrameEncoder(Network.SIGNET).frame("verack", new byte[0]);
        ByteBuffer buf = ByteBuffer.allocate(frame.length + 5);
        buf.put(new byte[] {1, 2, 3, 4, 5}).put(frame).flip().position(5);
        assertSame(Network.SIGNET, V1Sniffer.sniff(buf).network().orElseThrow());
        assertEquals(5, buf.position());
    }

    @Test
    void customMagicWithValidCommandIsACustomNetwork() {
        byte[] frame = new V1FrameEncoder(Network.parse("mysig:0a1b2c3d")).frame("version", new byte[100]);
        Result r = sniff(frame);
        assertEquals(Verdict.V1, r.verdict());
        Network n = r.network().orElseThrow();
        assertFalse(n.isKnown());
        assertEquals("0a1b2c3d", n.magicHex());
        assertEquals("custom-0a1b2c3d", n.name());
    }

    @Test
    void tlsClientHelloIsNotV1() {
        // TLS record header (type 0x16, version 3.1, length 0x0135), then ClientHello (type 0x01).
        byte[] hello = hex("1603010135010001310303" + "00".repeat(32));
        Result r = sniff(hello);
        assertEquals(Verdict.NOT_V1, r.verdict());
        assertTrue(r.network().isEmpty());
        assertTrue(r.reason().contains("offset 5"), r.reason());
        assertEquals(Verdict.NOT_V1, sniff(hello, 6).verdict(), "decided as soon as the bad byte is visible");
        assertEquals(Verdict.NEED_MORE, sniff(hello, 5).verdict());
    }

    @Test
    void httpIsNotV1() {
        byte[] get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        Result r = sniff(get);
        assertEquals(Verdict.NOT_V1, r.verdict());
        assertTrue(r.reason().contains("0x0d"), r.reason());
    }

    @Test
    void randomBytesAreNotV1() {
        Random rnd = new Random(324);
        for (int i = 0; i < 10_000; i++) {
            byte[] key = new byte[64]; // like a BIP324 ellswift public key
            rnd.nextBytes(key);
            assertEquals(Verdict.NOT_V1, sniff(key).verdict(), () -> hex(key));
        }
    }

    @Test
    void emptyOrPaddedCommandsAreNotV1() {
        assertEquals(Verdict.NOT_V1, sniff(hex("f9beb4d9 00")).verdict(), "empty command");
        assertEquals(Verdict.NOT_V1, sniff(hex("f9beb4d9 7665720041")).verdict(), "NUL then letter");
        assertEquals(Verdict.NEED_MORE, sniff(hex("f9beb4d9 76657200")).verdict());
    }

    @Test
    void oversizedLengthIsNotV1() {
        byte[] h = hex("f9beb4d9 626c6f636b00000000000000 01093d00");
        Result r = sniff(h);
        assertEquals(Verdict.NOT_V1, r.verdict());
        assertTrue(r.reason().contains("4000001"), r.reason());
        h[16] = 0; // 0x003d0900 = 4,000,000
        assertEquals(Verdict.V1, sniff(h).verdict());
    }

    @Test
    void resultToStringIsReadable() {
        assertEquals("NEED_MORE", sniff(new byte[0]).toString());
        assertEquals("V1(mainnet (f9beb4d9))", sniff(hex("f9beb4d9 76657261636b000000000000 00000000")).toString());
    }
}
