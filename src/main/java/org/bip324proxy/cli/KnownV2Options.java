package org.bip324proxy.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.KnownV2Peers;
import org.bip324proxy.state.KnownV2Persistence;
import picocli.CommandLine.Option;

/** The destinations known to speak v2 (they are never downgraded to v1) and where they are kept. */
final class KnownV2Options {
    static final Duration STATE_SAVE_INTERVAL = Duration.ofSeconds(30);

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Directory where the proxy keeps the destinations known to speak v2 (file "
                    + KnownV2Persistence.FILE_NAME + "). Default: $STATE_DIRECTORY if set (systemd's StateDirectory, "
                    + "/var/lib/bip324-proxy), else none (kept in memory only).")
    Path stateDir;

    @Option(names = "--known-v2-max", paramLabel = "N", defaultValue = "10000",
            description = "Most destinations remembered as speaking v2 after a handshake, and apart as many "
                    + "advertised (bit 11) ones; about 200 bytes each, the least recently used forgotten first. "
                    + "Default: ${DEFAULT-VALUE}.")
    int knownV2Max;

    /** An empty store of the chosen size; the one bad value is named. */
    KnownV2Peers newStore() {
        if (knownV2Max < 1 || knownV2Max > 1_000_000) {
            throw new IllegalArgumentException("--known-v2-max must be 1..1000000, got " + knownV2Max);
        }
        return new KnownV2Peers(knownV2Max);
    }

    /**
     * Loads the store from the state directory and saves it periodically; empty (and logged) when
     * there is no state directory, so the store lives in memory only.
     */
    Optional<KnownV2Persistence> persist(KnownV2Peers store, EventLog log) throws IOException {
        Optional<Path> dir = stateDirectory();
        if (dir.isEmpty()) {
            log.info("known_v2_in_memory").with("note", "no --state-dir: destinations known to speak v2 are "
                    + "forgotten at exit").log();
            return Optional.empty();
        }
        return Optional.of(new KnownV2Persistence(dir.get(), store, STATE_SAVE_INTERVAL, log));
    }

    private Optional<Path> stateDirectory() {
        if (stateDir != null) {
            return Optional.of(stateDir);
        }
        String systemd = System.getenv("STATE_DIRECTORY"); // may list several, separated by ':'
        return systemd == null || systemd.isEmpty() ? Optional.empty() : Optional.of(Path.of(systemd.split(":")[0]));
    }
}
