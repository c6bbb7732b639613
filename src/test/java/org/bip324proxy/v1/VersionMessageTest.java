package org.bip324proxy.v1;

import static org.bip324proxy.v1.Bytes.concat;
import static org.bip324proxy.v1.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.bip324proxy.v1.V1ProtocolException.Reason;
import org.bip324proxy.v1.VersionMessage.Outcome;
import org.bip324proxy.v1.VersionMessage.UserAgentRewrite;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("fast")
class VersionMessageTest {
    private static final byte[] DEVREF = hex(V1FrameCodecTest.DevRef.PAYLOAD);

    private static VersionMessage parse(byte[] p) throws V1ProtocolException {
        return VersionMessage.parse(p, 0, p.length);
    }

    /** 80 bytes: everything up to and including the nonce of the developer-reference message. */
    private static byte[] upToNonce() {
        return Arrays.copyOf(DEVREF, 80);
    }

    /** A payload with a user agent of {@code uaLength} 'a's, start height 800000 and relay=0. */
    private static byte[] withUserAgentOfLength(int uaLength) {
        byte[] cs = new byte[9];
        int n = CompactSize.write(uaLength, cs, 0);
        byte[] ua = new byte[uaLength];
        Arrays.fill(ua, (byte) 'a');
        return concat(upToNonce(), Arrays.copyOf(cs, n), ua, hex("00350c00"), hex("00"));
    }

    private static byte[] withAddrRecv(String ip16, int port) {
        byte[] p = DEVREF.clone();
        System.arraycopy(hex(ip16), 0, p, 28, 16);
        p[44] = (byte) (port >>> 8);
        p[45] = (byte) port;
        return p;
    }

    @Test
    void parsesTheDeveloperReferenceVersion() throws Exception {
        VersionMessage v = parse(DEVREF);
        assertEquals(70002, v.version());
        assertEquals(1, v.services());
        assertEquals(1415483324L, v.timestamp());
        assertEquals(1, v.addrRecvServices());
        InetSocketAddress recv = v.addrRecv().orElseThrow();
        assertInstanceOf(Inet4Address.class, recv.getAddress());
        assertEquals("198.27.100.9", recv.getAddress().getHostAddress());
        assertEquals(8333, recv.getPort());
        assertEquals(new InetSocketAddress(InetAddress.getByName("203.0.113.192"), 8333), v.addrFrom().orElseThrow());
        assertEquals(OptionalLong.of(0xf85379c9cb358012L), v.nonce());
        assertEquals("/Satoshi:0.9.3/", v.userAgent());
        assertArrayEquals("/Satoshi:0.9.3/".getBytes(StandardCharsets.US_ASCII), v.userAgentBytes());
        assertEquals(OptionalInt.of(329167), v.startHeight());
        assertEquals(Optional.of(true), v.relay());
        assertEquals(101, v.length());
        assertArrayEquals(DEVREF, v.payload());
    }

    @Test
    void parsesFromADecodedMessageWithHeadroom() throws Exception {
        byte[] frame = hex(V1FrameCodecTest.DEVREF_VERSION_FRAME);
        V1Message m = new V1FrameDecoder(Network.MAINNET, 14).next(ByteBuffer.wrap(frame));
        assertEquals("/Satoshi:0.9.3/", VersionMessage.parse(m).userAgent());
        assertThrows(IllegalArgumentException.class, () -> VersionMessage.parse(V1Message.of("verack", new byte[0])));
    }

    @Test
    void ipv6AddrRecv() throws Exception {
        VersionMessage v = parse(withAddrRecv("20010db8000000000000000000000001", 18333));
        InetSocketAddress a = v.addrRecv().orElseThrow();
        assertInstanceOf(Inet6Address.class, a.getAddress());
        assertEquals(InetAddress.getByName("2001:db8::1"), a.getAddress());
        assertEquals(18333, a.getPort());
    }

    @Test
    void highPortIsUnsignedBigEndian() throws Exception {
        VersionMessage v = parse(withAddrRecv("00000000000000000000ffff7f000001", 65535));
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 65535), v.addrRecv().orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"00000000000000000000000000000000", "00000000000000000000ffff00000000"})
    void unspecifiedAddrRecvIsEmpty(String ip) throws Exception {
        assertEquals(Optional.empty(), parse(withAddrRecv(ip, 0)).addrRecv());
        assertEquals(Optional.empty(), parse(withAddrRecv(ip, 8333)).addrRecv());
    }

    // ---------------------------------------------------------------- optional tail, as Core reads it

    @Test
    void minimalPayloadEndsAfterAddrRecv() throws Exception {
        VersionMessage v = parse(Arrays.copyOf(DEVREF, 46));
        assertEquals(70002, v.version());
        assertEquals("198.27.100.9", v.addrRecv().orElseThrow().getAddress().getHostAddress());
        assertFalse(v.hasAddrFrom());
        assertEquals(Optional.empty(), v.addrFrom());
        assertEquals(OptionalLong.empty(), v.nonce());
        assertFalse(v.hasUserAgent());
        assertEquals("", v.userAgent());
        assertEquals(OptionalInt.empty(), v.startHeight());
        assertEquals(Optional.empty(), v.relay());
    }

    @Test
    void payloadEndingAfterNonceOrUserAgentOrHeight() throws Exception {
        VersionMessage nonceOnly = parse(upToNonce());
        assertTrue(nonceOnly.nonce().isPresent());
        assertFalse(nonceOnly.hasUserAgent());

        VersionMessage uaOnly = parse(Arrays.copyOf(DEVREF, 96));
        assertEquals("/Satoshi:0.9.3/", uaOnly.userAgent());
        assertEquals(OptionalInt.empty(), uaOnly.startHeight());

        VersionMessage noRelay = parse(Arrays.copyOf(DEVREF, 100));
        assertEquals(OptionalInt.of(329167), noRelay.startHeight());
        assertEquals(Optional.empty(), noRelay.relay());
    }

    @Test
    void relayZeroAndTrailingBytes() throws Exception {
        byte[] p = concat(Arrays.copyOf(DEVREF, 100), hex("00 deadbeef"));
        VersionMessage v = parse(p);
        assertEquals(Optional.of(false), v.relay());
        assertEquals(105, v.length());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, 20, 45, 47, 60, 72, 79, 97, 98, 99})
    void truncatedPayloadsAreTypedErrors(int length) {
        byte[] p = Arrays.copyOf(DEVREF, length);
        V1ProtocolException e = assertThrows(V1ProtocolException.class, () -> parse(p));
        assertEquals(Reason.TRUNCATED_PAYLOAD, e.reason());
        assertFalse(e.reason().isFraming());
    }

    @Test
    void userAgentLongerThanThePayloadIsTruncated() {
        byte[] p = concat(upToNonce(), hex("0f 2f5361"));
        V1ProtocolException e = assertThrows(V1ProtocolException.class, () -> parse(p));
        assertEquals(Reason.TRUNCATED_PAYLOAD, e.reason());
        assertTrue(e.getMessage().contains("announces 15 bytes, only 3 remain"), e.getMessage());
    }

    @Test
    void nonCanonicalUserAgentLength() {
        byte[] p = concat(upToNonce(), hex("fd0f00"), "/Satoshi:0.9.3/".getBytes(StandardCharsets.US_ASCII));
        V1ProtocolException e = assertThrows(V1ProtocolException.class, () -> parse(p));
        assertEquals(Reason.BAD_COMPACT_SIZE, e.reason());
    }

    @Test
    void userAgentOf257BytesIsRejected() throws Exception {
        assertEquals(256, parse(withUserAgentOfLength(256)).userAgentBytes().length);
        byte[] p = withUserAgentOfLength(257);
        V1ProtocolException e = assertThrows(V1ProtocolException.class, () -> parse(p));
        assertEquals(Reason.USER_AGENT_TOO_LONG, e.reason());
        assertTrue(e.getMessage().contains("257") && e.getMessage().contains("256"), e.getMessage());
        // Even when the bytes are not there: the limit is checked first, as Core's LIMITED_STRING does.
        byte[] announced = concat(upToNonce(), hex("fd0010"));
        assertEquals(Reason.USER_AGENT_TOO_LONG, assertThrows(V1ProtocolException.class, () -> parse(announced)).reason());
    }

    // ---------------------------------------------------------------- user agent suffix

    @Test
    void suffixChangesOnlyTheUserAgent() throws Exception {
        VersionMessage v = parse(DEVREF);
        UserAgentRewrite r = v.appendUserAgentSuffix("bip324-proxy:0.1/");
        assertEquals(Outcome.APPENDED, r.outcome());
        assertTrue(r.applied());
        byte[] out = r.payload();
        assertEquals(DEVREF.length + 17, out.length);
        assertArrayEquals(Arrays.copyOf(DEVREF, 80), Arrays.copyOf(out, 80), "bytes before the user agent");
        assertEquals(15 + 17, out[80]);
        assertEquals("/Satoshi:0.9.3/bip324-proxy:0.1/", new String(out, 81, 32, StandardCharsets.US_ASCII));
        assertArrayEquals(Arrays.copyOfRange(DEVREF, 96, 101), Arrays.copyOfRange(out, 113, 118), "bytes after it");

        VersionMessage again = parse(out);
        assertEquals("/Satoshi:0.9.3/bip324-proxy:0.1/", again.userAgent());
        assertEquals(v.version(), again.version());
        assertEquals(v.nonce(), again.nonce());
        assertEquals(v.startHeight(), again.startHeight());
        assertEquals(v.relay(), again.relay());
        assertArrayEquals(out, v.withUserAgentSuffix("bip324-proxy:0.1/"));
        assertArrayEquals(DEVREF, v.payload(), "the parsed message itself is unchanged");
    }

    @Test
    void trailingBytesSurviveTheRewrite() throws Exception {
        byte[] p = concat(DEVREF, hex("cafebabe"));
        byte[] out = parse(p).withUserAgentSuffix("x/");
        assertEquals(p.length + 2, out.length);
        assertArrayEquals(hex("01cafebabe"), Arrays.copyOfRange(out, out.length - 5, out.length));
    }

    @Test
    void compactSizeWidensWhenCrossing252() throws Exception {
        byte[] p252 = withUserAgentOfLength(252);
        assertEquals((byte) 0xfc, p252[80], "252 still fits the one-byte form");
        byte[] out = parse(p252).withUserAgentSuffix("b");
        assertEquals(p252.length + 1 + 2, out.length, "1 suffix byte + CompactSize grows from 1 to 3 bytes");
        assertEquals("fdfd00", Bytes.hex(Arrays.copyOfRange(out, 80, 83)));
        VersionMessage v = parse(out);
        assertEquals("a".repeat(252) + "b", v.userAgent());
        assertEquals(OptionalInt.of(800000), v.startHeight());
        assertEquals(Optional.of(false), v.relay());

        byte[] from250 = parse(withUserAgentOfLength(250)).withUserAgentSuffix("bc");
        assertEquals((byte) 0xfc, from250[80], "250 + 2 = 252 stays one byte");
        assertEquals(withUserAgentOfLength(250).length + 2, from250.length);

        byte[] from251 = parse(withUserAgentOfLength(251)).withUserAgentSuffix("bc");
        assertEquals("fdfd00", Bytes.hex(Arrays.copyOfRange(from251, 80, 83)));
    }

    @Test
    void suffixUpToExactly256IsApplied() throws Exception {
        byte[] p = withUserAgentOfLength(250);
        UserAgentRewrite r = parse(p).appendUserAgentSuffix("/abcd/");
        assertEquals(Outcome.APPENDED, r.outcome());
        assertEquals("fd0001", Bytes.hex(Arrays.copyOfRange(r.payload(), 80, 83)));
        assertEquals(256, parse(r.payload()).userAgentBytes().length);
    }

    @Test
    void suffixThatWouldExceed256LeavesThePayloadUnchanged() throws Exception {
        byte[] p = withUserAgentOfLength(250);
        VersionMessage v = parse(p);
        UserAgentRewrite r = v.appendUserAgentSuffix("/abcde/");
        assertEquals(Outcome.TOO_LONG, r.outcome());
        assertFalse(r.applied());
        assertArrayEquals(p, r.payload());
        assertArrayEquals(p, v.withUserAgentSuffix("/abcde/"));

        byte[] full = withUserAgentOfLength(256);
        assertEquals(Outcome.TOO_LONG, parse(full).appendUserAgentSuffix("x").outcome());
        assertEquals(Outcome.APPENDED, parse(full).appendUserAgentSuffix("").outcome());
        assertArrayEquals(full, parse(full).withUserAgentSuffix(""));
    }

    @Test
    void noUserAgentFieldIsLeftAlone() throws Exception {
        for (byte[] p : new byte[][] {upToNonce(), Arrays.copyOf(DEVREF, 46)}) {
            UserAgentRewrite r = parse(p).appendUserAgentSuffix("x/");
            assertEquals(Outcome.NO_USER_AGENT, r.outcome());
            assertArrayEquals(p, r.payload());
        }
    }

    @Test
    void emptyUserAgentCanBeExtended() throws Exception {
        byte[] p = concat(upToNonce(), hex("00"), hex("01000000"));
        byte[] out = parse(p).withUserAgentSuffix("/proxy/");
        assertEquals("/proxy/", parse(out).userAgent());
        assertEquals(OptionalInt.of(1), parse(out).startHeight());
    }

    @Test
    void suffixMustBePrintableAscii() throws Exception {
        VersionMessage v = parse(DEVREF);
        assertThrows(IllegalArgumentException.class, () -> v.appendUserAgentSuffix("caf\u00e9/"));
        assertThrows(IllegalArgumentException.class, () -> v.appendUserAgentSuffix("x\n"));
    }

    @Test
    void rewrittenPayloadReframesAndDecodes() throws Exception {
        byte[] out = parse(DEVREF).withUserAgentSuffix("bip324-proxy:0.1/");
        V1FrameEncoder enc = new V1FrameEncoder(Network.MAINNET);
        byte[] frame = enc.frame(VersionMessage.COMMAND, out);
        V1Message m = new V1FrameDecoder(Network.MAINNET, 0).next(ByteBuffer.wrap(frame));
        assertEquals("/Satoshi:0.9.3/bip324-proxy:0.1/", VersionMessage.parse(m).userAgent());
    }
}
