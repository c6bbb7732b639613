package org.bip324proxy.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.KnownV2Peers;
import org.bip324proxy.relay.KnownV2Peers.Evidence;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The known-v2 store survives a restart, and a truncated or corrupt file is logged and ignored. */
@Tag("fast")
class KnownV2PersistenceTest {
    private static final Duration NEVER_BY_TIMER = Duration.ofHours(1);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final EventLog log = new EventLog(new PrintStream(logged, true, StandardCharsets.UTF_8), EventLog.Format.TEXT,
            EventLog.Level.DEBUG);

    @Test
    void theStoreSurvivesARestart() throws Exception {
        KnownV2Peers before = new KnownV2Peers(100);
        try (KnownV2Persistence p = new KnownV2Persistence(dir, before, NEVER_BY_TIMER, log)) {
            before.learn(addr("192.0.2.1", 8333), Evidence.HANDSHAKE);
            before.learn(addr("2001:db8::7", 18444), Evidence.ADVERTISED);
        }
        KnownV2Peers after = new KnownV2Peers(100);
        try (KnownV2Persistence p = new KnownV2Persistence(dir, after, NEVER_BY_TIMER, log)) {
            assertEquals(Optional.of(Evidence.HANDSHAKE), after.evidence(addr("192.0.2.1", 8333)));
            assertEquals(Optional.of(Evidence.ADVERTISED), after.evidence(addr("2001:db8::7", 18444)));
            assertEquals(2, after.size());
        }
        assertTrue(logged.toString(StandardCharsets.UTF_8).contains("known_v2_loaded"), logged.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTruncatedFileIsLoggedAndIgnoredThenReplaced() throws Exception {
        KnownV2Peers first = new KnownV2Peers(100);
        try (KnownV2Persistence p = new KnownV2Persistence(dir, first, NEVER_BY_TIMER, log)) {
            first.learn(addr("192.0.2.1", 8333), Evidence.HANDSHAKE);
            first.learn(addr("192.0.2.2", 8333), Evidence.HANDSHAKE);
        }
        Path file = dir.resolve(KnownV2Persistence.FILE_NAME);
        byte[] whole = Files.readAllBytes(file);
        // cut inside the last entry's port: "8333" would become "83", another destination
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - "33\nend 2\n".length()));
        KnownV2Peers second = new KnownV2Peers(100);
        try (KnownV2Persistence p = new KnownV2Persistence(dir, second, NEVER_BY_TIMER, log)) {
            assertEquals(0, second.size());
            assertTrue(logged.toString(StandardCharsets.UTF_8).contains("WARN known_v2_ignored"), logged.toString(StandardCharsets.UTF_8));
            second.learn(addr("192.0.2.3", 8333), Evidence.HANDSHAKE);
        }
        assertEquals(List.of(new KnownV2Peers.Entry("192.0.2.3:8333", Evidence.HANDSHAKE)), new KnownV2File(file).load());
    }

    @Test
    void garbageIsIgnored() throws Exception {
        Files.write(dir.resolve(KnownV2Persistence.FILE_NAME), new byte[] {(byte) 0xff, 0, 1, 2, '\n'});
        KnownV2Peers peers = new KnownV2Peers(100);
        new KnownV2Persistence(dir, peers, NEVER_BY_TIMER, log).close();
        assertEquals(0, peers.size());
        assertTrue(logged.toString(StandardCharsets.UTF_8).contains("WARN known_v2_ignored"));
    }

    @Test
    void theStoreIsBoundedAndKeepsTheMostRecent() throws Exception {
        KnownV2Peers peers = new KnownV2Peers(3);
        try (KnownV2Persistence p = new KnownV2Persistence(dir, peers, NEVER_BY_TIMER, log)) {
            for (int i = 1; i <= 5; i++) {
                peers.learn(addr("192.0.2." + i, 8333), Evidence.ADVERTISED);
            }
        }
        KnownV2Peers again = new KnownV2Peers(3);
        new KnownV2Persistence(dir, again, NEVER_BY_TIMER, log).close();
        assertEquals(3, again.size());
        assertEquals(Optional.empty(), again.evidence(addr("192.0.2.2", 8333)));
        assertEquals(Optional.of(Evidence.ADVERTISED), again.evidence(addr("192.0.2.5", 8333)));
    }

    @Test
    void forgedHintsCannotPushOutHandshakes() {
        KnownV2Peers peers = new KnownV2Peers(3);
        peers.learn(addr("192.0.2.1", 8333), Evidence.HANDSHAKE);
        for (int i = 1; i <= 100; i++) {
            peers.learn(addr("198.51.100." + i, 8333), Evidence.ADVERTISED);
        }
        assertEquals(Optional.of(Evidence.HANDSHAKE), peers.evidence(addr("192.0.2.1", 8333)));
        assertEquals(4, peers.size());
    }

    @Test
    void aHintNeverWeakensAHandshake() {
        KnownV2Peers peers = new KnownV2Peers(3);
        peers.learn(addr("192.0.2.1", 8333), Evidence.HANDSHAKE);
        peers.learn(addr("192.0.2.1", 8333), Evidence.ADVERTISED);
        assertEquals(Optional.of(Evidence.HANDSHAKE), peers.evidence(addr("192.0.2.1", 8333)));
    }

    @Test
    void noTemporaryFileIsLeftBehind() throws Exception {
        KnownV2Peers peers = new KnownV2Peers(3);
        try (KnownV2Persistence p = new KnownV2Persistence(dir, peers, NEVER_BY_TIMER, log)) {
            peers.learn(addr("192.0.2.1", 8333), Evidence.HANDSHAKE);
            p.saveIfChanged();
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(KnownV2Persistence.FILE_NAME), files.map(f -> f.getFileName().toString()).toList());
        }
    }

    private static InetSocketAddress addr(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
