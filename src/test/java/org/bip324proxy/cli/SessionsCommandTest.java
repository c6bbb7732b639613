package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.bip324proxy.control.ControlServer;
import org.bip324proxy.os.PeerAccess;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.testsupport.InProcessProxy;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sessions --peer}: the id the proxy prints is the one the peer derived (what its getpeerinfo shows). */
@Tag("fast")
class SessionsCommandTest {
    private static final byte[] NONCE = {1, 2, 3, 4, 5, 6, 7, 8};

    @TempDir
    Path dir;

    @Test
    void printsTheSessionIdThePeerDerived() throws Exception {
        Path socket = Files.createTempDirectory("b324t-ses").resolve("control.sock");
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                InProcessProxy proxy = new InProcessProxy();
                ControlServer control = new ControlServer(socket, Optional.empty(),
                        PeerAccess.forThisProcess(Optional.empty()), proxy::snapshot, proxy.log());
                V1TestClient client = proxy.connectAndPing(peer, V1TestClient.versionPayload(peer.address(), "/ses:1.0/"), NONCE)) {
            control.start();
            String peerSide = peer.sessionIds().get(0);
            assertTrue(peerSide.matches("[0-9a-f]{64}"), peerSide);

            Run byAddress = run("--peer", Endpoints.format(peer.address()), "--control-socket", socket.toString());
            assertEquals(new Run(0, peerSide + "\n", ""), byAddress.normalised());
            Run byIp = run("--peer", peer.address().getAddress().getHostAddress(), "--control-socket", socket.toString());
            assertEquals(peerSide + "\n", byIp.normalised().out());

            Run other = run("--peer", "192.0.2.1:8333", "--control-socket", socket.toString());
            assertEquals(1, other.exitCode());
            assertTrue(other.err().contains("no encrypted session with 192.0.2.1:8333"), other.err());
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socket.getParent());
        }
    }

    @Test
    void peerQueriesAreNormalisedLikeTheStatusDocument() {
        SessionsCommand.PeerQuery v6 = SessionsCommand.PeerQuery.parse("[2001:0db8:0:0::1]:8333");
        assertTrue(v6.matches("[2001:db8::1]:8333"));
        assertTrue(SessionsCommand.PeerQuery.parse("2001:db8::1").matches("[2001:db8::1]:18444"));
        assertTrue(SessionsCommand.PeerQuery.parse("192.0.2.7").matches("192.0.2.7:8333"));
        assertEquals(false, SessionsCommand.PeerQuery.parse("192.0.2.7:8333").matches("192.0.2.7:18333"));
        assertThrows(IllegalArgumentException.class, () -> SessionsCommand.PeerQuery.parse("example.org"));
    }

    @Test
    void aMissingSocketSaysTheProxyIsNotRunning() {
        Run r = run("--peer", "192.0.2.1:8333", "--control-socket", dir.resolve("none.sock").toString());
        assertEquals(StatusCommand.NOT_RUNNING, r.exitCode(), r.err());
    }

    private record Run(int exitCode, String out, String err) {
        Run normalised() {
            return new Run(exitCode, out.replace("\r\n", "\n"), err);
        }
    }

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "sessions";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Run(cl.execute(all), out.toString(), err.toString());
    }
}
