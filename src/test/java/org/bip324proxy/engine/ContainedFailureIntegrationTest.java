package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bip324proxy.testsupport.CloseLine;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.ProxyHarness;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A failure while handling one connection ends that connection, with its cause logged, and never
 * the event loop that serves the others. All connections share one loop here, so a dead loop
 * would stall every one of them.
 */
@Tag("fast")
class ContainedFailureIntegrationTest {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

    /** Randomness that throws an Error once when armed: a bug inside one session's handshake. */
    private static final class FailingOnceRandom extends SecureRandom {
        private final AtomicBoolean armed = new AtomicBoolean();

        void arm() {
            armed.set(true);
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (armed.getAndSet(false)) {
                throw new AssertionError("injected failure");
            }
            super.nextBytes(bytes);
        }
    }

    @Test
    void anErrorInOneConnectionClosesThatConnectionOnly() throws Exception {
        FailingOnceRandom rng = new FailingOnceRandom();
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().threads(1).rng(rng).start();
                V1TestClient first = client(proxy)) {
            startSession(first, peer, proxy);
            rng.arm();
            try (V1TestClient failing = client(proxy)) {
                failing.send("version", V1TestClient.versionPayload(peer.address(), "/integ:1.0/"));
                assertTrue(failing.closedByProxy(), "the failing connection stays open; log:\n" + proxy.log());
            }
            LogLine logged = proxy.awaitEvent("internal_error", 2, CLIENT_TIMEOUT);
            logged.assertField("error", "java.lang.AssertionError: injected failure");
            logged.assertFieldMentions("at", "FailingOnceRandom.nextBytes");
            LogLine close = proxy.awaitClose(2);
            CloseLine.assertCause("internal_error", close);
            close.assertField("reason", "internal error: java.lang.AssertionError: injected failure");

            assertPingPong(first, proxy, 1);
            try (V1TestClient third = client(proxy)) {
                startSession(third, peer, proxy);
                assertPingPong(third, proxy, 2);
            }
            assertPingPong(first, proxy, 3);
        }
    }

    /**
     * The reproducer: {@code --first-message-timeout 3000000h} overflowed
     * {@code Duration.toNanos()} on the first tick and killed the loop; now it means "never".
     */
    @Test
    void aTimeoutBeyondTheNanosecondRangeDoesNotKillTheLoop() throws Exception {
        Duration huge = Duration.ofHours(3_000_000);
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                ProxyHarness proxy = ProxyHarness.builder().threads(1).firstMessageTimeout(huge).idleTimeout(huge).start();
                V1TestClient silent = client(proxy);
                V1TestClient active = client(proxy)) {
            startSession(active, peer, proxy);
            // Several ticks pass with one connection waiting for its first message and one relaying.
            long deadline = System.nanoTime() + CLIENT_TIMEOUT.toNanos();
            while (oldestConnectionMillis(proxy) < 5 * EventLoop.TICK_MILLIS) {
                assertTrue(System.nanoTime() < deadline, proxy.log());
                Thread.onSpinWait();
            }
            assertPingPong(active, proxy, 1);
            assertEquals(2, proxy.server().activeConnections(), proxy.log());
            assertEquals(List.of(), proxy.events("internal_error"));
        }
    }

    private static long oldestConnectionMillis(ProxyHarness proxy) throws Exception {
        return proxy.server().snapshot(CLIENT_TIMEOUT).connections().stream()
                .mapToLong(ConnectionSnapshot::ageMillis).min().orElse(0);
    }

    private static void startSession(V1TestClient client, V2EchoPeer peer, ProxyHarness proxy) throws Exception {
        client.send("version", V1TestClient.versionPayload(peer.address(), "/integ:1.0/"));
        V1Message version = client.receive();
        assertNotNull(version, proxy.log());
        assertEquals("version", version.command(), proxy.log());
    }

    private static void assertPingPong(V1TestClient client, ProxyHarness proxy, long nonce) throws Exception {
        byte[] payload = java.nio.ByteBuffer.allocate(8).putLong(nonce).array();
        client.send("ping", payload);
        V1Message pong = client.receive();
        assertNotNull(pong, "no pong: the loop is stuck or dead; log:\n" + proxy.log());
        assertEquals("pong", pong.command(), proxy.log());
        assertArrayEquals(payload, pong.copyPayload());
    }

    private static V1TestClient client(ProxyHarness proxy) throws java.io.IOException {
        return new V1TestClient(proxy.address(), Network.MAINNET, CLIENT_TIMEOUT);
    }
}
