package org.bip324proxy.socks5;

import static org.bip324proxy.socks5.Socks5ServerTest.concat;
import static org.bip324proxy.socks5.Socks5ServerTest.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 1928/1929 client side (towards an upstream proxy), fed one byte at a time. */
@Tag("fast")
class Socks5ClientTest {
    private static final InetSocketAddress ONION = InetSocketAddress.createUnresolved("abc.onion", 8333);
    private static final Optional<Socks5Client.Credentials> CREDS = Optional.of(new Socks5Client.Credentials("1f2e", "3d4c"));

    /** Feeds {@code answer} one byte at a time; returns whether it connected and how many bytes were left. */
    private static int[] feed(Socks5Client client, byte[] answer) throws Socks5Exception {
        boolean connected = false;
        int i = 0;
        for (; i < answer.length && !connected; i++) {
            ByteBuffer one = ByteBuffer.wrap(answer, i, 1);
            connected = client.receive(one);
            assertFalse(one.hasRemaining());
        }
        return new int[] {connected ? 1 : 0, answer.length - i};
    }

    @Test
    void withoutCredentialsOffersNoAuthenticationAndSendsTheRequest() throws Exception {
        Socks5Client c = new Socks5Client(new InetSocketAddress("127.0.0.1", 8333), Optional.empty());
        assertArrayEquals(hex("050100"), c.takeOutput());
        assertEquals(0, c.takeOutput().length);
        assertEquals(0, feed(c, hex("0500"))[0]);
        assertArrayEquals(hex("05010001" + "7f000001" + "208d"), c.takeOutput());
        int[] r = feed(c, hex("05000001" + "0a000001" + "1234" + "f9beb4d9"));
        assertEquals(1, r[0]);
        assertEquals(4, r[1], "bytes after the reply belong to the target");
        assertEquals(new InetSocketAddress("10.0.0.1", 0x1234), c.bound().orElseThrow());
        assertEquals(Socks5Client.State.CONNECTED, c.state());
    }

    @Test
    void withCredentialsAuthenticatesThenSendsTheNameForTheProxyToResolve() throws Exception {
        Socks5Client c = new Socks5Client(ONION, CREDS);
        assertArrayEquals(hex("050102"), c.takeOutput());
        feed(c, hex("0502"));
        assertArrayEquals(hex("0104" + "31663265" + "04" + "33643463"), c.takeOutput());
        assertEquals(Socks5Client.State.AUTH, c.state());
        feed(c, hex("0100"));
        assertArrayEquals(concat(hex("05010003" + "09"), "abc.onion".getBytes(), hex("208d")), c.takeOutput());
        assertEquals(1, feed(c, hex("05000004" + "00000000000000000000000000000001" + "0050"))[0]);
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 80), c.bound().orElseThrow());
    }

    @Test
    void boundAddressMayBeADomainName() throws Exception {
        Socks5Client c = new Socks5Client(ONION, Optional.empty());
        feed(c, hex("0500"));
        assertEquals(1, feed(c, concat(hex("05000003" + "04"), "host".getBytes(), hex("0001")))[0]);
        assertEquals("host", c.bound().orElseThrow().getHostString());
    }

    @ParameterizedTest
    @EnumSource(value = Socks5Reply.class, mode = EnumSource.Mode.EXCLUDE, names = "SUCCEEDED")
    void everyFailureReplyIsReportedWithItsCode(Socks5Reply reply) throws Exception {
        Socks5Client c = new Socks5Client(ONION, Optional.empty());
        feed(c, hex("0500"));
        Socks5Exception e = assertThrows(Socks5Exception.class,
                () -> feed(c, hex(String.format("05%02x0001", reply.code()) + "00000000" + "0000")));
        assertEquals(Socks5Exception.Reason.REFUSED, e.reason());
        assertEquals(Optional.of(reply), e.reply());
        assertTrue(e.getMessage().contains(reply.description()), e.getMessage());
        assertEquals(Socks5Client.State.FAILED, c.state());
    }

    @Test
    void unassignedReplyCodeIsAGeneralFailure() throws Exception {
        Socks5Client c = new Socks5Client(ONION, Optional.empty());
        feed(c, hex("0500"));
        Socks5Exception e = assertThrows(Socks5Exception.class, () -> feed(c, hex("05090001" + "00000000" + "0000")));
        assertEquals(Optional.of(Socks5Reply.GENERAL_FAILURE), e.reply());
        assertTrue(e.getMessage().contains("0x09"), e.getMessage());
    }

    @Test
    void refusedMethodAndCredentials() throws Exception {
        Socks5Client noMethod = new Socks5Client(ONION, CREDS);
        assertEquals(Socks5Exception.Reason.NO_ACCEPTABLE_METHOD,
                assertThrows(Socks5Exception.class, () -> feed(noMethod, hex("05ff"))).reason());
        Socks5Client badCreds = new Socks5Client(ONION, CREDS);
        feed(badCreds, hex("0502"));
        assertEquals(Socks5Exception.Reason.AUTH_FAILED,
                assertThrows(Socks5Exception.class, () -> feed(badCreds, hex("0101"))).reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0500", "0502"})
    void aMethodThatWasNotOfferedIsMalformed(String selection) throws Exception {
        boolean withCreds = selection.equals("0500");
        Socks5Client c = new Socks5Client(ONION, withCreds ? CREDS : Optional.empty());
        assertEquals(Socks5Exception.Reason.MALFORMED, assertThrows(Socks5Exception.class, () -> feed(c, hex(selection))).reason());
    }

    @Test
    void notASocks5ServerAndEarlyClose() throws Exception {
        Socks5Client http = new Socks5Client(ONION, Optional.empty());
        assertEquals(Socks5Exception.Reason.NOT_SOCKS5, assertThrows(Socks5Exception.class, () -> feed(http, "HTTP".getBytes())).reason());
        Socks5Client closed = new Socks5Client(ONION, Optional.empty());
        feed(closed, hex("0500050000"));
        assertEquals(Socks5Exception.Reason.TRUNCATED, assertThrows(Socks5Exception.class, closed::onEof).reason());
        Socks5Client badAtyp = new Socks5Client(ONION, Optional.empty());
        feed(badAtyp, hex("0500"));
        assertEquals(Socks5Exception.Reason.ADDRESS_TYPE_NOT_SUPPORTED,
                assertThrows(Socks5Exception.class, () -> feed(badAtyp, hex("0500000900"))).reason());
    }

    @Test
    void credentialsAreBounded() {
        assertThrows(IllegalArgumentException.class, () -> new Socks5Client.Credentials("", "x"));
        assertThrows(IllegalArgumentException.class, () -> new Socks5Client.Credentials("x", "p".repeat(256)));
        assertFalse(new Socks5Client.Credentials("user", "hunter2").toString().contains("hunter2"));
    }
}
