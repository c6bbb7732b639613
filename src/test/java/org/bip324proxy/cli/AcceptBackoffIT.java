package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bip324proxy.testsupport.ProxyProcess;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Descriptor exhaustion (EMFILE) with the real jar under a low open-file limit: the proxy pauses
 * accepting instead of spinning on a listener that stays readable, keeps running, and serves new
 * clients once descriptors are free again.
 */
@Tag("system")
class AcceptBackoffIT {
    private static final int OPEN_FILES = 100;
    private static final int SILENT_CLIENTS = 2 * OPEN_FILES;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void pausesAcceptingWhileOutOfDescriptorsAndRecovers() throws Exception {
        String prlimit = SystemTestSupport.tool("prlimit");
        SystemTestSupport.require(prlimit != null, "prlimit (util-linux) is needed to lower the proxy's open-file limit");
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyProcess proxy = new ProxyProcess(List.of(prlimit, "--nofile=" + OPEN_FILES + ":" + OPEN_FILES),
                        ProxyProcess.jar(), "--listen", "127.0.0.1:0", "--allow-destination", "127.0.0.1", "--no-control-socket",
                        "--max-connections-per-source", "1000", // every client here is this user
                        "--first-message-timeout", "5m")) {
            String port = proxy.awaitLog("listening addresses=127\\.0\\.0\\.1:(\\d+)", WAIT);
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(port));
            pingThrough(address, peer);

            List<Socket> silent = new ArrayList<>();
            try {
                // Each holds one proxy descriptor until its first message (never sent); the rest wait in the backlog.
                for (int i = 0; i < SILENT_CLIENTS; i++) {
                    silent.add(new Socket(address.getAddress(), address.getPort()));
                }
                proxy.awaitLog("WARN accept_failed error=\"Too many open files\" action=\"pausing accepts for", WAIT);
                int before = count(proxy.logText(), "accept_failed");
                Thread.sleep(2_000);
                int during = count(proxy.logText(), "accept_failed") - before;
                // One failed accept per pause (200 ms), not a busy loop: at most ~10 in 2 s, with slack.
                assertTrue(during <= 15, during + " failed accepts in 2 s: the listener is being spun on\n" + proxy.logText());
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
            }
            assertTrue(proxy.process().isAlive(), proxy.logText());
            pingThrough(address, peer);
        }
    }

    private static void pingThrough(InetSocketAddress proxy, V2EchoPeer peer) throws Exception {
        try (V1TestClient client = new V1TestClient(proxy, Network.MAINNET, WAIT)) {
            client.send("version", V1TestClient.versionPayload(peer.address(), "/emfile-test:1.0/"));
            assertEquals("version", client.receive().command());
            byte[] nonce = {1, 2, 3, 4, 5, 6, 7, 8};
            client.send("ping", nonce);
            V1Message pong = client.receive();
            assertEquals("pong", pong.command());
            assertArrayEquals(nonce, pong.copyPayload());
        }
    }

    private static int count(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            n++;
        }
        return n;
    }
}
