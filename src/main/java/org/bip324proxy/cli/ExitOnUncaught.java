package org.bip324proxy.cli;

import java.util.function.IntConsumer;
import java.util.function.Predicate;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.log.StackTop;

/**
 * The proxy's policy for a Throwable that escapes one of its threads (connections contain their
 * own failures, so this is what is left). When the process can no longer be trusted to serve (an
 * out-of-memory or other JVM error in any thread, or anything ending an essential thread: an event
 * loop or a checksum worker), it logs {@code fatal} and exits with {@value #EXIT_STATUS}
 * (EX_SOFTWARE) at once, without shutdown hooks (a graceful drain would wait on a dead loop); the
 * service unit's {@code Restart=on-failure} then restarts it. Any other thread (one serving a
 * control or metrics request) just ends, with a {@code thread_failed} line.
 */
final class ExitOnUncaught implements Thread.UncaughtExceptionHandler {
    static final int EXIT_STATUS = 70;

    private final EventLog log;
    private final Predicate<Thread> essential;
    private final IntConsumer exit;

    /**
     * @param essential the threads without which the proxy cannot serve
     * @param exit ends the process with a status ({@code Runtime.getRuntime()::halt})
     */
    ExitOnUncaught(EventLog log, Predicate<Thread> essential, IntConsumer exit) {
        this.log = log;
        this.essential = essential;
        this.exit = exit;
    }

    @Override
    public void uncaughtException(Thread thread, Throwable e) {
        if (!(e instanceof VirtualMachineError) && !essential.test(thread)) {
            log.error("thread_failed").with("thread", thread.getName()).with("error", e.toString())
                    .with("at", StackTop.of(e)).log();
            return;
        }
        try {
            log.error("fatal").with("thread", thread.getName()).with("error", e.toString())
                    .with("at", StackTop.of(e)).with("action", "exiting with status " + EXIT_STATUS).log();
        } finally {
            exit.accept(EXIT_STATUS);
        }
    }
}
