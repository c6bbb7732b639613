package org.bip324proxy.testsupport;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;

/** What this JVM's own MXBeans say: live heap after a full GC, and CPU time of named threads. */
public final class JvmProbe {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private JvmProbe() {
    }

    /**
     * Heap in use after full collections (the smallest of a few, so garbage that a collection
     * happened to leave behind does not count): what is really reachable.
     */
    public static long liveHeapBytes() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            MEMORY.gc();
            least = Math.min(least, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    /** Nanoseconds of CPU (user + system) used so far by live threads whose names start with {@code prefix}. */
    public static long threadCpuNanos(String prefix) {
        if (!THREADS.isThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure thread CPU time");
        }
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                total += Math.max(0, THREADS.getThreadCpuTime(t.getId()));
            }
        }
        return total;
    }
}
