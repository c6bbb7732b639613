package org.bip324proxy.socks5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 1928/1929 server side, fed whole and one byte at a time. */
@Tag("fast")
class Socks5ServerTest {
    private static final byte[] NO_AUTH_GREETING = hex("050100");
    private static final byte[] IPV4_REQUEST = hex("05010001" + "7f000001" + "208d");
    private static final Socks5Users ALICE = Socks5Users.parse(List.of("alice:secret"));

    /** What the server did with a client's bytes: its output and the outcome. */
    private record Run(byte[] output, boolean complete, Socks5Exception error, int leftover, Socks5Server server) {}

    private static Run feed(Socks5Users users, byte[] input, boolean byteAtATime) {
        Socks5Server server = new Socks5Server(users);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.wrap(input);
        boolean complete = false;
        Socks5Exception error = null;
        try {
            while (in.hasRemaining() && !complete) {
                ByteBuffer chunk = byteAtATime ? ByteBuffer.wrap(input, in.position(), 1) : in;
                try {
                    complete = server.receive(chunk);
                } finally {
                    in.position(chunk.position());
                }
                assertFalse(chunk.hasRemaining() && !complete, "a byte was left before the request ended");
                out.writeBytes(server.takeOutput());
            }
        } catch (Socks5Exception e) {
            error = e;
            out.writeBytes(server.takeOutput());
        }
        return new Run(out.toByteArray(), complete, error, in.remaining(), server);
    }

    /** Both ways of feeding must agree; returns the byte-at-a-time run. */
    private static Run run(Socks5Users users, byte[]... parts) {
        byte[] input = concat(parts);
        Run whole = feed(users, input, false);
        Run bytes = feed(users, input, true);
        assertArrayEquals(whole.output(), bytes.output());
        assertEquals(whole.complete(), bytes.complete());
        assertEquals(whole.error() == null ? null : whole.error().reason(), bytes.error() == null ? null : bytes.error().reason());
        assertEquals(whole.leftover(), bytes.leftover());
        return bytes;
    }

    @Test
    void noAuthenticationConnectToIpv4() {
        Run r = run(Socks5Users.ANYONE, NO_AUTH_GREETING, IPV4_REQUEST);
        assertTrue(r.complete());
        assertArrayEquals(hex("0500"), r.output());
        assertEquals(new InetSocketAddress("127.0.0.1", 8333), r.server().target());
        assertEquals(Optional.empty(), r.server().username());
        assertEquals(Socks5Server.State.REQUEST_RECEIVED, r.server().state());
    }

    @Test
    void connectToIpv6() throws Exception {
        Run r = run(Socks5Users.ANYONE, NO_AUTH_GREETING, hex("05010004" + "20010db8000000000000000000000001" + "479d"));
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 18333), r.server().target());
    }

    @Test
    void ipv4MappedIpv6IsTheIpv4Address() {
        Run r = run(Socks5Users.ANYONE, NO_AUTH_GREETING, hex("05010004" + "00000000000000000000ffff7f000001" + "208d"));
        assertEquals(new InetSocketAddress("127.0.0.1", 8333), r.server().target());
    }

    @Test
    void connectToDomainNameKeepsItUnresolved() {
        Run r = run(Socks5Users.ANYONE, NO_AUTH_GREETING, request("seed.example.onion", 8333));
        InetSocketAddress t = r.server().target();
        assertTrue(t.isUnresolved());
        assertEquals("seed.example.onion", t.getHostString());
        assertEquals(8333, t.getPort());
    }

    @Test
    void longestDomainNameIs255BytesAndWhatFollowsTheRequestStaysInTheBuffer() {
        String name = "a".repeat(255);
        byte[] early = "client data sent before the reply".getBytes(StandardCharsets.US_ASCII);
        Run r = run(Socks5Users.ANYONE, NO_AUTH_GREETING, request(name, 1), early);
        assertTrue(r.complete());
        assertEquals(name, r.server().target().getHostString());
        assertEquals(early.length, r.leftover());
    }

    @Test
    void aNameLongerThan255BytesCannotBeRequested() {
        assertThrows(IllegalArgumentException.class,
                () -> new Socks5Client(InetSocketAddress.createUnresolved("a".repeat(256), 1), Optional.empty()));
    }

    @Test
    void withoutUsersNoAuthenticationIsPreferredAndAnyCredentialsAccepted() {
        Run both = run(Socks5Users.ANYONE, hex("0503000102"), IPV4_REQUEST); // as the JDK's client offers
        assertTrue(both.complete());
        assertArrayEquals(hex("0500"), both.output());
        Run onlyPassword = run(Socks5Users.ANYONE, hex("050102"), auth("stream-7", ""), IPV4_REQUEST);
        assertTrue(onlyPassword.complete());
        assertArrayEquals(hex("0502" + "0100"), onlyPassword.output());
        assertEquals(Optional.of("stream-7"), onlyPassword.server().username());
    }

    @Test
    void listedUserIsAccepted() {
        Run r = run(ALICE, hex("05020002"), auth("alice", "secret"), IPV4_REQUEST);
        assertTrue(r.complete(), String.valueOf(r.error()));
        assertArrayEquals(hex("0502" + "0100"), r.output());
        assertEquals(Optional.of("alice"), r.server().username());
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice:wrong", "alice:", "bob:secret", ":secret", "alice:secret2", "alic:esecret"})
    void wrongCredentialsAreRefusedWithStatus1(String userPass) {
        int colon = userPass.indexOf(':');
        Run r = run(ALICE, hex("050102"), auth(userPass.substring(0, colon), userPass.substring(colon + 1)), IPV4_REQUEST);
        assertEquals(Socks5Exception.Reason.AUTH_FAILED, r.error().reason());
        assertArrayEquals(hex("0502" + "0101"), r.output());
        assertEquals(Socks5Server.State.FAILED, r.server().state());
    }

    @Test
    void authFileRequiresUsernamePassword() {
        Run r = run(ALICE, NO_AUTH_GREETING, IPV4_REQUEST);
        assertEquals(Socks5Exception.Reason.NO_ACCEPTABLE_METHOD, r.error().reason());
        assertArrayEquals(hex("05ff"), r.output());
    }

    @Test
    void greetingWithoutAKnownMethodGetsNoAcceptableMethods() {
        Run r = run(Socks5Users.ANYONE, hex("05020103")); // GSSAPI and an unassigned method
        assertEquals(Socks5Exception.Reason.NO_ACCEPTABLE_METHOD, r.error().reason());
        assertArrayEquals(hex("05ff"), r.output());
    }

    @Test
    void greetingWithNoMethodsIsMalformed() {
        Run r = run(Socks5Users.ANYONE, hex("0500"));
        assertEquals(Socks5Exception.Reason.MALFORMED, r.error().reason());
        assertArrayEquals(hex("05ff"), r.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"04", "f9beb4d9", "00", "ff", "474554"})
    void notSocks5IsRefusedAtTheFirstByteWithoutAnswer(String first) {
        Run r = run(Socks5Users.ANYONE, hex(first));
        assertEquals(Socks5Exception.Reason.NOT_SOCKS5, r.error().reason());
        assertEquals(0, r.output().length);
        assertEquals(hex(first).length - 1, r.leftover());
        assertTrue(r.error().getMessage().contains(first.startsWith("04") ? "SOCKS4" : "not SOCKS version 5"), r.error().getMessage());
    }

    @Test
    void badAuthenticationVersionIsMalformed() {
        Run r = run(Socks5Users.ANYONE, hex("050102"), hex("05" + "01" + "61" + "00"));
        assertEquals(Socks5Exception.Reason.MALFORMED, r.error().reason());
        assertArrayEquals(hex("0502"), r.output());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x02, 0x03, 0x00, 0x04, 0xff})
    void onlyConnectIsSupported(int command) {
        Run r = run(Socks5Users.ANYONE, NO_AUTH_GREETING, hex(String.format("05%02x0001", command) + "7f000001208d"));
        assertEquals(Socks5Exception.Reason.COMMAND_NOT_SUPPORTED, r.error().reason());
        assertArrayEquals(hex("0500" + "05070001" + "00000000" + "0000"), r.output());
        assertEquals(Optional.of(Socks5Reply.COMMAND_NOT_SUPPORTED), r.error().reply());
        String expected = command == 2 ? "BIND" : command == 3 ? "UDP ASSOCIATE" : "command";
        assertTrue(r.error().getMessage().startsWith(expected), r.error().getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x02, 0x05, 0xff})
    void unknownAddressTypeGetsReply8AtOnce(int atyp) {
        Run r = run(Socks5Users.ANYONE, NO_AUTH_GREETING, hex(String.format("050100%02x", atyp) + "01020304050607"));
        assertEquals(Socks5Exception.Reason.ADDRESS_TYPE_NOT_SUPPORTED, r.error().reason());
        assertArrayEquals(hex("0500" + "05080001" + "00000000" + "0000"), r.output());
        assertEquals(6, r.leftover(), "decided from the header, before an address of unknown length");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "04010001" + "7f000001208d", // request version 4
        "05010101" + "7f000001208d", // reserved byte not zero
        "05010003" + "00" + "208d", // empty domain name
        "05010003" + "05" + "612062" + "6364" + "208d", // space in the name
        "05010003" + "03" + "610a62" + "208d", // newline in the name
        "05010003" + "02" + "61ff" + "208d", // non-ASCII byte
    })
    void malformedRequestGetsGeneralFailure(String request) {
        Run r = run(Socks5Users.ANYONE, NO_AUTH_GREETING, hex(request));
        assertEquals(Socks5Exception.Reason.MALFORMED, r.error().reason());
        assertArrayEquals(hex("0500" + "05010001" + "00000000" + "0000"), r.output());
    }

    @Test
    void everyTruncationIsTypedAndNamesThePhase() throws Exception {
        byte[] all = concat(hex("050102"), auth("u", "p"), request("example.org", 8333));
        for (int len = 0; len < all.length; len++) {
            Socks5Server server = new Socks5Server(Socks5Users.ANYONE);
            for (int i = 0; i < len; i++) {
                assertFalse(server.receive(ByteBuffer.wrap(all, i, 1)));
            }
            Socks5Exception e = assertThrows(Socks5Exception.class, server::onEof, "prefix of " + len);
            assertEquals(Socks5Exception.Reason.TRUNCATED, e.reason());
            String phase = len < 3 ? "greeting" : len < 8 ? "authentication" : "request";
            assertTrue(e.getMessage().contains("during the SOCKS5 " + phase), len + ": " + e.getMessage());
        }
        Socks5Server done = new Socks5Server(Socks5Users.ANYONE);
        assertTrue(done.receive(ByteBuffer.wrap(all)));
        done.onEof(); // a complete request: the EOF is the session's business
    }

    @ParameterizedTest
    @EnumSource(Socks5Reply.class)
    void everyReplyCodeIsEncodedAndEndsTheHandshake(Socks5Reply reply) {
        Socks5Server server = run(Socks5Users.ANYONE, NO_AUTH_GREETING, IPV4_REQUEST).server();
        byte[] bytes = server.reply(reply, Socks5Server.UNSPECIFIED);
        assertArrayEquals(hex(String.format("05%02x0001", reply.code()) + "00000000" + "0000"), bytes);
        assertEquals(reply == Socks5Reply.SUCCEEDED ? Socks5Server.State.REPLIED : Socks5Server.State.FAILED, server.state());
        assertThrows(IllegalStateException.class, () -> server.reply(reply, Socks5Server.UNSPECIFIED));
    }

    @Test
    void replyCarriesAnIpv6BoundAddress() throws Exception {
        Socks5Server server = run(Socks5Users.ANYONE, NO_AUTH_GREETING, IPV4_REQUEST).server();
        byte[] bytes = server.reply(Socks5Reply.SUCCEEDED, new InetSocketAddress(InetAddress.getByName("::1"), 40000));
        assertArrayEquals(hex("05000004" + "00000000000000000000000000000001" + "9c40"), bytes);
    }

    @Test
    void noReplyBeforeTheRequest() {
        assertThrows(IllegalStateException.class, () -> new Socks5Server(Socks5Users.ANYONE).reply(Socks5Reply.SUCCEEDED, Socks5Server.UNSPECIFIED));
        assertThrows(IllegalStateException.class, () -> new Socks5Server(Socks5Users.ANYONE).target());
    }

    @Test
    void clientAndServerAgreeOneByteAtATime() throws Exception {
        for (Optional<Socks5Client.Credentials> creds : List.of(Optional.<Socks5Client.Credentials>empty(),
                Optional.of(new Socks5Client.Credentials("alice", "secret")))) {
            for (InetSocketAddress target : List.of(new InetSocketAddress("127.0.0.1", 8333),
                    new InetSocketAddress(InetAddress.getByName("::1"), 8333), InetSocketAddress.createUnresolved("x.onion", 8333))) {
                Socks5Client client = new Socks5Client(target, creds);
                Socks5Server server = new Socks5Server(creds.isPresent() ? ALICE : Socks5Users.ANYONE);
                boolean requested = false;
                boolean connected = false;
                for (int round = 0; round < 4 && !connected; round++) {
                    for (byte b : client.takeOutput()) {
                        requested = server.receive(ByteBuffer.wrap(new byte[] {b}));
                    }
                    byte[] answer = requested ? concat(server.takeOutput(), server.reply(Socks5Reply.SUCCEEDED, Socks5Server.UNSPECIFIED))
                            : server.takeOutput();
                    for (byte b : answer) {
                        connected = client.receive(ByteBuffer.wrap(new byte[] {b}));
                    }
                }
                assertTrue(connected, creds + " " + target);
                assertEquals(target, server.target());
                assertEquals(creds.map(Socks5Client.Credentials::username), server.username());
            }
        }
    }

    static byte[] request(String name, int port) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        return concat(hex("05010003"), new byte[] {(byte) n.length}, n, new byte[] {(byte) (port >> 8), (byte) port});
    }

    static byte[] auth(String user, String pass) {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] p = pass.getBytes(StandardCharsets.UTF_8);
        return concat(new byte[] {1, (byte) u.length}, u, new byte[] {(byte) p.length}, p);
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
