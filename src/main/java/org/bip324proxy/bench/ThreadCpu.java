package org.bip324proxy.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * CPU time (user + system) of this JVM's live threads whose names start with a prefix: what the
 * proxy's event loops and checksum workers, or the relay's pump threads, spent on a workload, whatever else the machine
 * was doing. A dead thread's time is lost, so read it while the workload's connection is open.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadCpu() {
    }

    /** Nanoseconds of CPU used so far by live threads whose names start with one of {@code prefixes}. */
    static long nanos(List<String> prefixes) {
        if (!THREADS.isThreadCpuTimeSupported()) {
            return 0;
        }
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (prefixes.stream().anyMatch(t.getName()::startsWith)) {
                long cpu = THREADS.getThreadCpuTime(t.getId());
                if (cpu > 0) {
                    total += cpu;
                }
            }
        }
        return total;
    }
}
