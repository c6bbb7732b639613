package org.bip324proxy.cli;

import java.util.function.IntConsumer;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.log.StackTop;

/**
 * The proxy's policy for a Throwable that escapes any of its threads (an event loop's own
 * machinery, a checksum worker, the control server; connections contain their own failures):
 * the process can no longer be trusted to serve, so it logs why and exits with
 * {@value #EXIT_STATUS} (EX_SOFTWARE) at once, without shutdown hooks (a graceful drain would wait
 * on a dead loop). The service unit's {@code Restart=on-failure} then restarts it.
 */
final class ExitOnUncaught implements Thread.UncaughtExceptionHandler {
    static final int EXIT_STATUS = 70;

    private final EventLog log;
    private final IntConsumer exit;

    /** @param exit ends the process with a status ({@code Runtime.getRuntime()::halt}) */
    ExitOnUncaught(EventLog log, IntConsumer exit) {
        this.log = log;
        this.exit = exit;
    }

    @Override
    public void uncaughtException(Thread thread, Throwable e) {
        try {
            log.error("fatal").with("thread", thread.getName()).with("error", e.toString())
                    .with("at", StackTop.of(e)).with("action", "exiting with status " + EXIT_STATUS).log();
        } finally {
            exit.accept(EXIT_STATUS);
        }
    }
}
