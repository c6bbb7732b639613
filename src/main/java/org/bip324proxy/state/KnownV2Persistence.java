package org.bip324proxy.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.KnownV2Peers;

/**
 * Loads the known-v2 store at start (a bad file is logged and ignored) and saves it when it
 * changed, every {@code interval} and once more at close.
 */
public final class KnownV2Persistence implements AutoCloseable {
    public static final String FILE_NAME = "known-v2-peers";

    private final KnownV2File file;
    private final KnownV2Peers peers;
    private final EventLog log;
    private final ScheduledExecutorService saver = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bip324-state");
        t.setDaemon(true);
        return t;
    });

    /** Restores {@code peers} from {@code stateDir} and starts saving. */
    public KnownV2Persistence(Path stateDir, KnownV2Peers peers, Duration interval, EventLog log) throws IOException {
        if (!Files.isDirectory(stateDir)) {
            throw new IOException("state directory " + stateDir + " does not exist (create it, or choose another --state-dir)");
        }
        this.file = new KnownV2File(stateDir.resolve(FILE_NAME));
        this.peers = peers;
        this.log = log;
        try {
            List<KnownV2Peers.Entry> entries = file.load();
            peers.restore(entries);
            log.info("known_v2_loaded").with("file", file.path()).with("entries", peers.size()).log();
        } catch (IOException e) {
            log.warn("known_v2_ignored").with("file", file.path()).with("reason", e.getMessage())
                    .with("note", "starting with an empty store; the file is replaced at the next save").log();
        }
        saver.scheduleWithFixedDelay(this::saveIfChanged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Saves now if anything changed (also called by the timer). */
    public synchronized void saveIfChanged() {
        Optional<List<KnownV2Peers.Entry>> changes = peers.takeChanges();
        if (changes.isEmpty()) {
            return;
        }
        try {
            file.save(changes.get());
        } catch (IOException e) {
            log.warn("known_v2_save_failed").with("file", file.path()).with("error", e.toString()).log();
        }
    }

    @Override
    public void close() {
        saver.shutdownNow();
        saveIfChanged();
    }
}
