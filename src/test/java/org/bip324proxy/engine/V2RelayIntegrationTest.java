package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bip324proxy.relay.ProxySession;
import org.bip324proxy.testsupport.DecoyFirstResponder;
import org.bip324proxy.testsupport.EchoExchange;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.ProxyHarness;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Message;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * v1 client → in-process proxy → the project's BIP324 responder, over loopback sockets. The
 * session's handshake and translation cases (split reads, decoys, garbage lengths, refused
 * networks) run without sockets in {@code relay.SessionV2RelayTest}.
 */
@Tag("fast")
class V2RelayIntegrationTest {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
    private static final Network CUSTOM = Network.parse("mysignet:0a0b0c0d");

    static Stream<Network> networks() {
        return Stream.of(Network.MAINNET, Network.TESTNET3, Network.TESTNET4, Network.SIGNET, Network.REGTEST, CUSTOM);
    }

    @ParameterizedTest
    @MethodSource("networks")
    void everyNetworkMagicGetsABip324SessionWithPingPong(Network network) throws Exception {
        List<Network> accepted = new ArrayList<>(Network.knownNetworks());
        accepted.add(CUSTOM); // as --network auto,mysignet:0a0b0c0d
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(network.magic()));
                ProxyHarness proxy = ProxyHarness.builder().networks(accepted).start()) {
            try (V1TestClient client = new V1TestClient(proxy.address(), network, CLIENT_TIMEOUT)) {
                handshake(client, peer, proxy, "/integ:1.0/");
                client.send("ping", new byte[] {8, 7, 6, 5, 4, 3, 2, 1});
                V1Message pong = client.receive();
                assertEquals("pong", pong.command());
                assertArrayEquals(new byte[] {8, 7, 6, 5, 4, 3, 2, 1}, pong.copyPayload());
            }
            LogLine close = proxy.awaitClose(1);
            close.assertField("network", network.name());
            close.assertField("transport", "v2");
            close.assertField("session_id", peer.sessionIds().get(0));
        }
    }

    @Test
    void ipv6AddrRecvIsDialled() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        V2EchoPeer peer;
        try {
            peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()), v6);
        } catch (java.io.IOException e) {
            Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
            return;
        }
        try (peer; ProxyHarness proxy = ProxyHarness.builder().start();
                V1TestClient client = new V1TestClient(proxy.address(), Network.MAINNET, CLIENT_TIMEOUT)) {
            handshake(client, peer, proxy, "/integ:1.0/");
            LogLine connect = proxy.awaitEvent("connect", 1, CLIENT_TIMEOUT);
            connect.assertField("dest", "[::1]:" + peer.address().getPort());
        }
    }

    @Test
    void aThousandMessagesAreEchoedInOrder() throws Exception {
        Random rnd = new Random(1);
        String[] commands = {"inv", "tx", "getdata", "headers", "ping", "addrv2", "mycommand", "sendcmpct"};
        List<V1Message> messages = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            byte[] payload = new byte[rnd.nextInt(600)];
            rnd.nextBytes(payload);
            messages.add(V1Message.of(commands[i % commands.length], payload));
        }
        echo(V2EchoPeer.Options.of(Network.MAINNET.magic()), messages);
    }

    @Test
    void aHundredOneMegabyteMessagesAreByteExactBothWays() throws Exception {
        Random rnd = new Random(2);
        List<V1Message> messages = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] payload = new byte[1_000_000];
            rnd.nextBytes(payload);
            messages.add(V1Message.of("block", payload));
        }
        echo(V2EchoPeer.Options.of(Network.MAINNET.magic()), messages);
    }

    /**
     * Payloads from ProxySession.DEFER_CHECKSUMS_FROM on are hashed on worker threads while the
     * small ones around them are not: every message must still arrive in order, byte-exact.
     */
    @Test
    void largeAndSmallMessagesInterleavedKeepTheirOrder() throws Exception {
        Random rnd = new Random(4);
        int threshold = ProxySession.DEFER_CHECKSUMS_FROM;
        int[] sizes = {0, 8, threshold - 1, threshold, 300_000, 100, threshold + 1, 8};
        List<V1Message> messages = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            byte[] payload = new byte[sizes[i % sizes.length]];
            rnd.nextBytes(payload);
            messages.add(V1Message.of(payload.length == 8 ? "ping" : "block", payload));
        }
        echo(V2EchoPeer.Options.of(Network.MAINNET.magic()), messages);
    }

    @Test
    void aMaximumSizeMessageIsByteExactBothWays() throws Exception {
        byte[] payload = new byte[4_000_000];
        new Random(3).nextBytes(payload);
        echo(V2EchoPeer.Options.of(Network.MAINNET.magic()), List.of(V1Message.of("block", payload)));
    }

    @Test
    void decoysFromThePeerAreDroppedAndCounted() throws Exception {
        List<V1Message> messages = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            messages.add(V1Message.of("inv", new byte[] {(byte) i}));
        }
        LogLine close = echo(V2EchoPeer.Options.of(Network.MAINNET.magic()).withDecoys(), messages);
        // one decoy after the peer's version packet, one before each of its 51 replies (VERSION + 50)
        close.assertField("decoys_received", 52);
        close.assertField("messages_to_client", 51);
    }

    @Test
    void decoysBeforeThePeersVersionPacketAreSkipped() throws Exception {
        try (DecoyFirstResponder peer = new DecoyFirstResponder(Network.MAINNET.magic(), 3);
                ProxyHarness proxy = ProxyHarness.builder().start()) {
            try (V1TestClient client = new V1TestClient(proxy.address(), Network.MAINNET, CLIENT_TIMEOUT)) {
                byte[] version = V1TestClient.versionPayload(peer.address(), "/integ:1.0/");
                client.send("version", version);
                V1Message echoed = client.receive();
                assertNotNull(echoed, proxy.log());
                assertArrayEquals(version, echoed.copyPayload());
                EchoExchange.run(client, List.of(V1Message.of("inv", new byte[37]), V1Message.of("headers", new byte[81])), proxy::log);
            }
            LogLine close = proxy.awaitClose(1);
            close.assertField("decoys_received", 3);
            close.assertField("session_id", peer.sessionId().get(10, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void messagesPipelinedBehindVersionWaitForTheHandshake() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().start();
                V1TestClient client = new V1TestClient(proxy.address(), Network.MAINNET, CLIENT_TIMEOUT)) {
            byte[] version = V1TestClient.versionPayload(peer.address(), "/integ:1.0/");
            List<V1Message> messages = new ArrayList<>();
            messages.add(V1Message.of("version", version));
            for (int i = 0; i < 300; i++) {
                messages.add(V1Message.of(i % 2 == 0 ? "verack" : "ping", new byte[i % 2 == 0 ? 0 : 8]));
            }
            // everything written at once: most of it arrives before the BIP324 handshake is done
            EchoExchange.run(client, messages, proxy::log);
        }
    }

    @Test
    void unknownShortIdsFromThePeerAreDroppedAndCounted() throws Exception {
        List<V1Message> messages = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            messages.add(V1Message.of("getheaders", new byte[] {(byte) i, 1}));
        }
        LogLine close = echo(V2EchoPeer.Options.of(Network.MAINNET.magic()).withUnknownIds(), messages);
        close.assertField("unknown_short_ids_dropped", 11);
        close.assertField("messages_to_client", 11);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4095})
    void peerGarbageOfEitherExtremeLength(int garbage) throws Exception {
        LogLine close = echo(V2EchoPeer.Options.of(Network.MAINNET.magic()).withGarbage(garbage),
                List.of(V1Message.of("ping", new byte[8]), V1Message.of("tx", new byte[300])));
        close.assertField("outcome", "ok");
        // the proxy received the peer's key, garbage, terminator and version packet (20 bytes) at least
        assertTrue(close.number("v2_bytes_in") >= 64 + garbage + 16 + 20, close.raw());
    }

    @Test
    void userAgentSuffixIsAppendedByteExact() throws Exception {
        String suffix = "/bip324-proxy:0.1/";
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().userAgentSuffix(suffix).start();
                V1TestClient client = new V1TestClient(proxy.address(), Network.MAINNET, CLIENT_TIMEOUT)) {
            byte[] original = V1TestClient.versionPayload(peer.address(), "/Satoshi:27.0.0/");
            client.send("version", original);
            V1Message echoed = client.receive();
            assertNotNull(echoed, proxy.log());
            // VERSION layout: 80 fixed bytes, CompactSize user-agent length, user agent, start height, relay
            int uaLen = original[80];
            byte[] sfx = suffix.getBytes(StandardCharsets.US_ASCII);
            byte[] expected = new byte[original.length + sfx.length];
            System.arraycopy(original, 0, expected, 0, 81 + uaLen);
            expected[80] = (byte) (uaLen + sfx.length);
            System.arraycopy(sfx, 0, expected, 81 + uaLen, sfx.length);
            System.arraycopy(original, 81 + uaLen, expected, 81 + uaLen + sfx.length, original.length - 81 - uaLen);
            assertArrayEquals(expected, echoed.copyPayload());
        }
    }

    /** Sends VERSION (addr_recv = the peer) and checks the peer's echo of it. */
    private static void handshake(V1TestClient client, V2EchoPeer peer, ProxyHarness proxy, String userAgent) throws Exception {
        byte[] version = V1TestClient.versionPayload(peer.address(), userAgent);
        client.send("version", version);
        V1Message echoed = client.receive();
        assertNotNull(echoed, proxy.log());
        assertEquals("version", echoed.command());
        assertArrayEquals(version, echoed.copyPayload());
    }

    /** Handshake, echo every message, close; returns the proxy's close line. */
    private static LogLine echo(V2EchoPeer.Options options, List<V1Message> messages) throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(options); ProxyHarness proxy = ProxyHarness.builder().start()) {
            try (V1TestClient client = new V1TestClient(proxy.address(), Network.MAINNET, CLIENT_TIMEOUT)) {
                handshake(client, peer, proxy, "/integ:1.0/");
                EchoExchange.run(client, messages, proxy::log);
                client.shutdownOutput();
                assertNull(client.receive(), "expected EOF after the last echo");
            }
            LogLine close = proxy.awaitClose(1);
            close.assertField("messages_to_peer", (messages.size() + 1));
            return close;
        }
    }
}
