package org.bip324proxy.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bip324proxy.cli.Main;
import org.bip324proxy.os.PeerAccess;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.testsupport.InProcessProxy;
import org.bip324proxy.testsupport.MarkdownDoc;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The control socket and {@code status} against a live proxy carrying real BIP324 sessions. */
@Tag("fast")
class ControlSocketTest {
    private static final int PEER_GARBAGE = 100;
    /** BIP324 packet overhead: 3-byte length, header byte, 16-byte tag. */
    private static final int PACKET = 20;
    /** Message type of 'version' (no short ID: 0x00 + 12-byte command) and of 'ping'/'pong' (short ID). */
    private static final int LONG_TYPE = 13;
    private static final int SHORT_TYPE = 1;
    private static final int V1_HEADER = 24;
    private static final byte[] NONCE = {1, 2, 3, 4, 5, 6, 7, 8};

    private Path dir;
    private Path socket;

    @BeforeEach
    void createDirectory() throws Exception {
        dir = Files.createTempDirectory("b324t-ctl");
        socket = dir.resolve("control.sock");
    }

    @AfterEach
    void removeDirectory() throws Exception {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @Test
    void statusReportsLiveV2SessionsWithExactCounters() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()).withGarbage(PEER_GARBAGE));
                InProcessProxy proxy = new InProcessProxy();
                ControlServer control = startControl(proxy)) {
            byte[] version = V1TestClient.versionPayload(peer.address(), "/observe-test:1.0/");
            List<V1TestClient> clients = new ArrayList<>();
            try {
                clients.add(proxy.connectAndPing(peer, version, NONCE));
                clients.add(proxy.connectAndPing(peer, version, NONCE));
                Map<String, Object> status;
                try (ControlClient client = ControlClient.connect(socket)) {
                    status = status(client);
                }
                assertEquals(2L, status.get("connections_open"), proxy.logText());
                assertEquals(2L, status.get("handshakes"));
                List<Map<String, Object>> connections = maps(status.get("connections"));
                Set<String> sessionIds = new HashSet<>();
                long v1Frame = V1_HEADER + version.length;
                long versionPacket = PACKET + LONG_TYPE + version.length;
                long pingPacket = PACKET + SHORT_TYPE + NONCE.length;
                long pingFrame = V1_HEADER + NONCE.length;
                for (Map<String, Object> c : connections) {
                    sessionIds.add((String) c.get("session_id"));
                    assertEquals("v2", c.get("transport"));
                    assertEquals("relay", c.get("phase"));
                    assertEquals("mainnet", c.get("network"));
                    assertEquals(Endpoints.format(peer.address()), c.get("destination"));
                    assertEquals("addr_recv", c.get("destination_source"));
                    assertTrue(((Long) c.get("handshake_ms")) >= 0);
                    Map<String, Object> t = map(c.get("traffic"));
                    assertEquals(v1Frame + pingFrame, t.get("v1_bytes_in"));
                    assertEquals(v1Frame + pingFrame, t.get("v1_bytes_out"));
                    // Peer: 64-byte key, its garbage, 16-byte terminator, empty version packet, then the replies.
                    assertEquals(64L + PEER_GARBAGE + 16 + PACKET + versionPacket + pingPacket, t.get("v2_bytes_in"));
                    long v2OutWithoutGarbage = 64L + 16 + PACKET + versionPacket + pingPacket;
                    long v2Out = (Long) t.get("v2_bytes_out");
                    assertTrue(v2Out >= v2OutWithoutGarbage && v2Out <= v2OutWithoutGarbage + 4095,
                            "v2 out " + v2Out + " must be " + v2OutWithoutGarbage + " plus the proxy's garbage (0..4095)");
                    assertEquals(Map.of("version", 1L, "ping", 1L), map(t.get("messages_to_peer_by_command")));
                    assertEquals(Map.of("version", 1L, "pong", 1L), map(t.get("messages_to_client_by_command")));
                    assertEquals(0L, t.get("decoys_received"));
                    assertEquals(0L, t.get("unknown_short_ids_dropped"));
                    Map<String, Object> framing = map(t.get("framing"));
                    long v1Framed = 2 * (v1Frame + pingFrame);
                    long v2Framed = 2 * (versionPacket + pingPacket);
                    assertEquals(v1Framed, framing.get("v1_bytes"));
                    assertEquals(v2Framed, framing.get("v2_bytes"));
                    assertEquals(v1Framed - v2Framed, framing.get("saving_bytes"));
                }
                assertEquals(new HashSet<>(peer.sessionIds()), sessionIds);
                Map<String, Object> totals = map(status.get("totals"));
                assertEquals(2 * (v1Frame + pingFrame), totals.get("v1_bytes_in"));
                assertEquals(Map.of("version", 2L, "ping", 2L), map(totals.get("messages_to_peer_by_command")));

                // A connection that closes leaves the live list, and its counters stay in the totals.
                clients.remove(0).close();
                Map<String, Object> after = awaitStatus(s -> (Long) s.get("connections_closed") == 1L);
                assertEquals(1L, after.get("connections_open"));
                assertEquals(map(totals), map(map(after.get("totals"))));
            } finally {
                for (V1TestClient c : clients) {
                    c.close();
                }
            }
        }
    }

    @Test
    void statusCommandPrintsATableAndJson() throws Exception {
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()).withDecoys());
                InProcessProxy proxy = new InProcessProxy();
                ControlServer control = startControl(proxy);
                V1TestClient client = proxy.connectAndPing(peer,
                        V1TestClient.versionPayload(peer.address(), "/observe-test:1.0/"), NONCE)) {
            String sessionId = peer.sessionIds().get(0);
            Run table = runStatus("--control-socket", socket.toString());
            assertEquals(0, table.exitCode, table.err);
            assertTrue(table.out.contains(sessionId), table.out);
            assertTrue(table.out.contains("1 open"), table.out);
            assertTrue(table.out.contains(Endpoints.format(peer.address())), table.out);

            Run json = runStatus("--control-socket", socket.toString(), "--json");
            assertEquals(0, json.exitCode, json.err);
            Map<String, Object> status = map(JsonCodec.parse(json.out.strip()));
            Map<String, Object> c = maps(status.get("connections")).get(0);
            assertEquals(sessionId, c.get("session_id"));
            // The peer sends one decoy after its handshake and one before each of its two replies.
            assertEquals(3L, map(c.get("traffic")).get("decoys_received"));
        }
    }

    @Test
    void statusSaysWhenTheProxyIsNotRunning() throws Exception {
        Run missing = runStatus("--control-socket", socket.toString());
        assertEquals(3, missing.exitCode);
        assertTrue(missing.err.contains("not running"), missing.err);

        // A socket file left by a proxy that died: nothing answers.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        Run stale = runStatus("--control-socket", socket.toString());
        assertEquals(3, stale.exitCode);
        assertTrue(stale.err.contains("nothing answers"), stale.err);

        // A new proxy takes the stale socket's place.
        try (InProcessProxy proxy = new InProcessProxy(); ControlServer control = startControl(proxy)) {
            assertEquals(0, runStatus("--control-socket", socket.toString()).exitCode);
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        }
        assertFalse(Files.exists(socket), "the socket is removed on close");
    }

    /** docs/control-protocol.md and docs/observability.md name exactly what a live proxy reports. */
    @Test
    void theDocsNameWhatTheProxyReports() throws Exception {
        MarkdownDoc protocol = MarkdownDoc.read("docs/control-protocol.md");
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                InProcessProxy proxy = new InProcessProxy();
                ControlServer control = startControl(proxy);
                V1TestClient client = proxy.connectAndPing(peer,
                        V1TestClient.versionPayload(peer.address(), "/docs-test:1.0/"), NONCE);
                ControlClient controlClient = ControlClient.connect(socket)) {
            Map<String, Object> status = status(controlClient);
            Map<String, Object> connection = maps(status.get("connections")).get(0);
            Map<String, Object> traffic = map(connection.get("traffic"));
            assertEquals(status.keySet(), protocol.namesInTableAfter("`status` members"));
            assertEquals(connection.keySet(), protocol.namesInTableAfter("Connection object"));
            assertEquals(traffic.keySet(), protocol.namesInTableAfter("Traffic object"));
            assertTrue(MarkdownDoc.codeSpans(protocol.meaning("Traffic object", "framing"))
                    .containsAll(map(traffic.get("framing")).keySet()));

            Set<String> sources = new HashSet<>();
            for (Destination.Source s : Destination.Source.values()) {
                sources.add(s.logName());
            }
            assertEquals(sources, MarkdownDoc.codeSpans(protocol.meaning("Connection object", "destination_source")));
            assertTrue(sources.contains((String) connection.get("destination_source")));

            // The status table example: its columns are the real table's, its VIA a real source name.
            String table = runStatus("--control-socket", socket.toString()).out();
            String realHeader = table.lines().filter(l -> l.startsWith("ID ")).findFirst().orElseThrow();
            List<String> example = MarkdownDoc.read("docs/observability.md").text().lines()
                    .dropWhile(l -> !l.startsWith("ID ")).limit(2).toList();
            List<String> columns = List.of(example.get(0).split("\\s{2,}"));
            for (String column : columns) {
                if (!column.equals("...")) {
                    assertTrue(realHeader.contains(column), column + " is not a column of:\n" + realHeader);
                }
            }
            String via = example.get(1).split("\\s+")[columns.indexOf("VIA")];
            assertTrue(sources.contains(via), "docs/observability.md shows VIA " + via + ", the proxy says one of " + sources);
        }
    }

    /** Issue 15: a second proxy on the same socket path is refused with how to run it beside the first. */
    @Test
    void aSecondProxyOnTheSamePathIsToldHowToRunBesideTheFirst() throws Exception {
        try (InProcessProxy first = new InProcessProxy(); ControlServer running = startControl(first);
                InProcessProxy second = new InProcessProxy()) {
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> startControl(second));
            assertTrue(e.getMessage().contains("another bip324-proxy is answering on it; to run a second proxy beside it, "
                    + "give it a --control-socket PATH of its own"), e.getMessage());
            try (ControlClient client = ControlClient.connect(socket)) {
                assertEquals(true, client.request("ping").get("ok"), "the first one still answers");
            }
        }
    }

    @Test
    void badRequestsGetErrorsAndTheConnectionStaysUsable() throws Exception {
        try (InProcessProxy proxy = new InProcessProxy(); ControlServer control = startControl(proxy)) {
            Map<String, Object> unknown = control.answer("{\"command\":\"reboot\"}");
            assertEquals(false, unknown.get("ok"));
            assertEquals("unknown_command", unknown.get("code"));
            assertEquals("bad_request", control.answer("{\"command\":").get("code"));
            assertEquals("bad_request", control.answer("[\"status\"]").get("code"));
            try (ControlClient client = ControlClient.connect(socket)) {
                ControlClient.ControlException e = org.junit.jupiter.api.Assertions.assertThrows(
                        ControlClient.ControlException.class, () -> client.request("reboot"));
                assertTrue(e.getMessage().contains("unknown command 'reboot'"), e.getMessage());
                assertEquals(true, client.request("ping").get("ok"));
                assertEquals(ProcessHandle.current().pid(), client.request("ping").get("pid"));
            }
        }
    }

    private ControlServer startControl(InProcessProxy proxy) throws Exception {
        ControlServer control = new ControlServer(socket, Optional.empty(), PeerAccess.forThisProcess(Optional.empty()),
                proxy::snapshot, proxy.log());
        control.start();
        return control;
    }

    private Map<String, Object> awaitStatus(java.util.function.Predicate<Map<String, Object>> done) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            Map<String, Object> s;
            try (ControlClient client = ControlClient.connect(socket)) {
                s = status(client);
            }
            if (done.test(s) || System.nanoTime() > deadline) {
                assertTrue(done.test(s), "status never reached the expected state: " + s);
                return s;
            }
            Thread.sleep(50);
        }
    }

    private static Map<String, Object> status(ControlClient client) throws Exception {
        Map<String, Object> answer = client.request("status");
        assertNotNull(answer.get("status"));
        return map(answer.get("status"));
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run runStatus(String... args) {
        CommandLine cl = new CommandLine(new Main());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "status";
        System.arraycopy(args, 0, all, 1, args.length);
        int rc = cl.execute(all);
        return new Run(rc, out.toString(), err.toString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Object o) {
        return (List<Map<String, Object>>) o;
    }
}
