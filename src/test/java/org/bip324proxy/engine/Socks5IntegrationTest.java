package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.socks5.Socks5Client;
import org.bip324proxy.socks5.Socks5Exception;
import org.bip324proxy.socks5.Socks5Reply;
import org.bip324proxy.socks5.Socks5Users;
import org.bip324proxy.testsupport.CloseLine;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.ProxyHarness;
import org.bip324proxy.testsupport.Socks5TestClient;
import org.bip324proxy.testsupport.ThreadPerConnectionServer;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * SOCKS5 clients over real loopback sockets: v1 clients get BIP324 sessions to the CONNECT target,
 * other protocols are passed through, and every failure gets its RFC 1928 reply code.
 */
@Tag("fast")
class Socks5IntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void v1ClientThroughSocks5GetsABip324SessionToTheConnectTarget() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().socks5Listener().start()) {
            Socket s = Socks5TestClient.connect(proxy.socks5Address(), peer.address(), Optional.empty(), TIMEOUT);
            try (V1TestClient client = new V1TestClient(s, Network.MAINNET, TIMEOUT)) {
                pingThrough(client);
            }
            LogLine close = proxy.awaitClose(1);
            close.assertField("via", "socks5").assertField("transport", "v2");
            close.assertField("session_id", peer.sessionIds().get(0));
            close.assertField("outcome", "ok");
        }
    }

    @Test
    void jdkSocksClientWithANameTheProxyResolves() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().socks5Listener().start()) {
            Socket s = new Socket(new Proxy(Proxy.Type.SOCKS, proxy.socks5Address()));
            // Unresolved: the JDK sends the name (ATYP 3) and the proxy looks it up, off its event loop.
            s.connect(InetSocketAddress.createUnresolved("localhost", peer.address().getPort()), (int) TIMEOUT.toMillis());
            try (V1TestClient client = new V1TestClient(s, Network.MAINNET, TIMEOUT)) {
                pingThrough(client);
            }
            LogLine close = proxy.awaitClose(1);
            close.assertField("dest", "localhost:" + peer.address().getPort());
            close.assertField("session_id", peer.sessionIds().get(0));
            proxy.awaitEvent("resolved", 1, TIMEOUT).assertField("name", "localhost")
                    .assertField("address", "127.0.0.1:" + peer.address().getPort());
        }
    }

    @Test
    void jdkSocksClientWithAnAddress() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.SIGNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().socks5Listener().start()) {
            Socket s = new Socket(new Proxy(Proxy.Type.SOCKS, proxy.socks5Address()));
            s.connect(peer.address(), (int) TIMEOUT.toMillis());
            try (V1TestClient client = new V1TestClient(s, Network.SIGNET, TIMEOUT)) {
                client.send("version", V1TestClient.versionPayload(null, "/jdk-socks/"));
                assertEquals("version", client.receive().command());
            }
            proxy.awaitClose(1).assertField("session_id", peer.sessionIds().get(0));
        }
    }

    @Test
    void nonV1ClientIsPassedThroughToTheConnectTarget() throws Exception {
        try (ThreadPerConnectionServer echo = ThreadPerConnectionServer.onLoopback("echo", Socks5IntegrationTest::echo);
                ProxyHarness proxy = ProxyHarness.builder().socks5Listener().start();
                Socket s = Socks5TestClient.connect(proxy.socks5Address(), echo.address(), Optional.empty(), TIMEOUT)) {
            byte[] hello = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(hello);
            assertArrayEquals(hello, s.getInputStream().readNBytes(hello.length));
            s.close();
            LogLine close = proxy.awaitClose(1);
            close.assertField("via", "socks5").assertField("transport", "passthrough");
        }
    }

    @Test
    void ipv6ListenerAndIpv6Target() throws Exception {
        InetSocketAddress v6Loopback = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        Socks5Config config = new Socks5Config(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), v6Loopback),
                Socks5Users.ANYONE, Socks5Config.DEFAULT_GREETING_TIMEOUT, Optional.empty());
        try (ThreadPerConnectionServer echo = new ThreadPerConnectionServer(v6Loopback, "echo6", Socks5IntegrationTest::echo);
                ProxyHarness proxy = ProxyHarness.builder().socks5(config).start();
                Socket s = Socks5TestClient.connect(proxy.server().socks5Addresses().get(1), echo.address(), Optional.empty(), TIMEOUT)) {
            byte[] hello = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(hello);
            assertArrayEquals(hello, s.getInputStream().readNBytes(hello.length));
            s.close();
            LogLine close = proxy.awaitClose(1);
            close.assertField("client", "[::1]:" + s.getLocalPort()).assertField("dest", "[::1]:" + echo.address().getPort());
        }
    }

    @Test
    void bytesSentBeforeTheReplyAreKept() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().socks5Listener().start();
                Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.socks5Address().getPort())) {
            s.setSoTimeout((int) TIMEOUT.toMillis());
            byte[] version = new org.bip324proxy.v1.V1FrameEncoder(Network.MAINNET).frame("version",
                    V1TestClient.versionPayload(null, "/eager/"));
            OutputStream out = s.getOutputStream();
            out.write(concat(hex("050100"), connectRequest(peer.address()), version)); // all before any answer
            InputStream in = s.getInputStream();
            assertArrayEquals(hex("0500"), in.readNBytes(2));
            assertEquals(0, in.readNBytes(10)[1], "reply succeeded");
            V1TestClient client = new V1TestClient(s, Network.MAINNET, TIMEOUT);
            assertEquals("version", client.receive().command());
        }
    }

    @Test
    void refusedConnectionGetsReply5() throws Exception {
        InetSocketAddress closed;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = (InetSocketAddress) ss.getLocalSocketAddress();
        }
        try (ProxyHarness proxy = ProxyHarness.builder().socks5Listener().start()) {
            assertReply(Socks5Reply.CONNECTION_REFUSED, proxy, closed);
            CloseLine.assertCause("connect_failed", proxy.awaitClose(1));
        }
    }

    @Test
    void unknownNameGetsReply4() throws Exception {
        try (ProxyHarness proxy = ProxyHarness.builder().socks5Listener().start()) {
            assertReply(Socks5Reply.HOST_UNREACHABLE, proxy, InetSocketAddress.createUnresolved("no-such-host.invalid", 8333));
            LogLine close = proxy.awaitClose(1);
            CloseLine.assertCause("connect_failed", close);
            close.assertField("reason", "cannot connect to no-such-host.invalid:8333 via socks5: cannot resolve 'no-such-host.invalid'");
        }
    }

    @Test
    void onionWithoutUpstreamAndTheProxyItselfGetReply2() throws Exception {
        try (ProxyHarness proxy = ProxyHarness.builder().socks5Listener().start()) {
            assertReply(Socks5Reply.NOT_ALLOWED, proxy, InetSocketAddress.createUnresolved("abcdef.onion", 8333));
            assertReply(Socks5Reply.NOT_ALLOWED, proxy, proxy.socks5Address());
            assertReply(Socks5Reply.NOT_ALLOWED, proxy, proxy.address());
            assertReply(Socks5Reply.NOT_ALLOWED, proxy, new InetSocketAddress("127.0.0.1", 0));
            List<LogLine> refusals = proxy.events("socks5_refused");
            assertEquals(4, refusals.size(), proxy.log());
            refusals.get(0).assertField("dest", "abcdef.onion:8333")
                    .assertField("reason", ".onion destinations are only reachable through --upstream-socks5 (e.g. Tor)");
            refusals.get(1).assertField("dest", Endpoints.format(proxy.socks5Address())).assertFieldMentions("reason", "(rule own-endpoint)");
            refusals.get(2).assertField("dest", Endpoints.format(proxy.address())).assertFieldMentions("reason", "(rule own-endpoint)");
            refusals.get(3).assertField("dest", "127.0.0.1:0").assertFieldMentions("reason", "(rule unusable)");
        }
    }

    @Test
    void aNameThatResolvesToTheProxyItselfGetsReply2() throws Exception {
        try (ProxyHarness proxy = ProxyHarness.builder().socks5Listener().start()) {
            assertReply(Socks5Reply.NOT_ALLOWED, proxy, InetSocketAddress.createUnresolved("localhost", proxy.socks5Address().getPort()));
            LogLine close = proxy.awaitClose(1);
            CloseLine.assertCause("connect_failed", close);
            close.assertFieldMentions("reason", "localhost resolves to 127.0.0.1:" + proxy.socks5Address().getPort()
                    + " refused (rule own-endpoint)");
            assertEquals(List.of(), proxy.events("resolved"));
        }
    }

    @Test
    void bindAndUdpAssociateGetReply7() throws Exception {
        try (ProxyHarness proxy = ProxyHarness.builder().socks5Listener().start()) {
            for (String command : List.of("02", "03")) {
                assertArrayEquals(hex("0500" + "05070001000000000000"),
                        exchange(proxy, hex("050100" + "05" + command + "0001" + "7f000001" + "208d"), 12));
            }
            LogLine refused = proxy.awaitEvent("socks5_refused", l -> l.get("reason").contains("UDP ASSOCIATE"), TIMEOUT);
            assertTrue(refused.has("client"), refused.raw());
        }
    }

    @Test
    void unknownAddressTypeGetsReply8() throws Exception {
        try (ProxyHarness proxy = ProxyHarness.builder().socks5Listener().start()) {
            assertArrayEquals(hex("0500" + "05080001000000000000"), exchange(proxy, hex("050100" + "05010002" + "7f000001208d"), 12));
        }
    }

    @Test
    void slowlorisGreetingIsClosedAtTheTimeout() throws Exception {
        Socks5Config config = new Socks5Config(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                Socks5Users.ANYONE, Duration.ofMillis(500), Optional.empty());
        try (ProxyHarness proxy = ProxyHarness.builder().socks5(config).start();
                Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.socks5Address().getPort())) {
            s.setSoTimeout((int) TIMEOUT.toMillis());
            s.getOutputStream().write(hex("0502")); // two of the four greeting bytes, then nothing
            assertEquals(-1, s.getInputStream().read(), "closed without an answer");
            LogLine refused = proxy.awaitEvent("socks5_refused", l -> true, TIMEOUT);
            refused.assertField("reason", "no complete SOCKS5 greeting and CONNECT request within 500 ms (greeting)");
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (proxy.server().activeConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10); // polling: the slot is freed right after the socket closes
            }
            assertEquals(0, proxy.server().activeConnections(), "the slot is free again");
        }
    }

    @Test
    void truncatedRequestIsLogged() throws Exception {
        try (ProxyHarness proxy = ProxyHarness.builder().socks5Listener().start();
                Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.socks5Address().getPort())) {
            s.setSoTimeout((int) TIMEOUT.toMillis());
            s.getOutputStream().write(hex("050100" + "05010003" + "10" + "6162"));
            assertArrayEquals(hex("0500"), s.getInputStream().readNBytes(2));
            s.shutdownOutput();
            assertEquals(-1, s.getInputStream().read());
            proxy.awaitEvent("socks5_refused", l -> true, TIMEOUT)
                    .assertField("reason", "client closed during the SOCKS5 request (7 bytes of it received)");
        }
    }

    @Test
    void authFileAdmitsListedUsersOnly() throws Exception {
        Socks5Config config = new Socks5Config(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                Socks5Users.parse(List.of("alice:secret")), Socks5Config.DEFAULT_GREETING_TIMEOUT, Optional.empty());
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().socks5(config).start()) {
            Socks5Exception wrong = assertThrows(Socks5Exception.class, () -> Socks5TestClient.connect(proxy.socks5Address(),
                    peer.address(), Optional.of(new Socks5Client.Credentials("alice", "guess")), TIMEOUT));
            assertEquals(Socks5Exception.Reason.AUTH_FAILED, wrong.reason());
            Socks5Exception none = assertThrows(Socks5Exception.class,
                    () -> Socks5TestClient.connect(proxy.socks5Address(), peer.address(), Optional.empty(), TIMEOUT));
            assertEquals(Socks5Exception.Reason.NO_ACCEPTABLE_METHOD, none.reason());
            Socket s = Socks5TestClient.connect(proxy.socks5Address(), peer.address(),
                    Optional.of(new Socks5Client.Credentials("alice", "secret")), TIMEOUT);
            try (V1TestClient client = new V1TestClient(s, Network.MAINNET, TIMEOUT)) {
                pingThrough(client);
            }
            assertEquals(1, peer.connections());
            proxy.awaitEvent("socks5_refused", l -> true, TIMEOUT).assertField("reason", "username/password not accepted");
        }
    }

    @Test
    void redirectListenerIsUnchangedBesideASocks5Listener() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().socks5Listener().start();
                V1TestClient client = new V1TestClient(proxy.address(), Network.MAINNET, TIMEOUT)) {
            client.send("version", V1TestClient.versionPayload(peer.address(), "/integ:1.0/"));
            assertEquals("version", client.receive().command());
            client.close();
            proxy.awaitClose(1).assertField("via", "addr_recv");
        }
    }

    private static void pingThrough(V1TestClient client) throws Exception {
        client.send("version", V1TestClient.versionPayload(null, "/socks-client/"));
        V1Message echoed = client.receive();
        assertNotNull(echoed);
        assertEquals("version", echoed.command());
        client.send("ping", new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        V1Message pong = client.receive();
        assertEquals("pong", pong.command());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, pong.copyPayload());
    }

    private static void assertReply(Socks5Reply expected, ProxyHarness proxy, InetSocketAddress target) throws Exception {
        Socks5Exception e = assertThrows(Socks5Exception.class,
                () -> Socks5TestClient.connect(proxy.socks5Address(), target, Optional.empty(), TIMEOUT).close(), proxy.log());
        assertEquals(Optional.of(expected), e.reply(), e.getMessage() + "\n" + proxy.log());
    }

    /** Sends {@code request}, returns the first {@code n} bytes of the answer and checks the proxy then closes. */
    private static byte[] exchange(ProxyHarness proxy, byte[] request, int n) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.socks5Address().getPort())) {
            s.setSoTimeout((int) TIMEOUT.toMillis());
            s.getOutputStream().write(request);
            byte[] answer = s.getInputStream().readNBytes(n);
            assertEquals(-1, s.getInputStream().read(), "closed after the reply");
            return answer;
        }
    }

    private static byte[] connectRequest(InetSocketAddress target) {
        byte[] ip = target.getAddress().getAddress();
        return concat(hex("05010001"), ip, new byte[] {(byte) (target.getPort() >> 8), (byte) target.getPort()});
    }

    private static void echo(Socket s) {
        try (s) {
            s.getInputStream().transferTo(s.getOutputStream());
        } catch (java.io.IOException e) {
            // client gone
        }
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
