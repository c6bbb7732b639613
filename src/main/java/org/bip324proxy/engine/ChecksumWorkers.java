package org.bip324proxy.engine;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.bip324proxy.v1.DeferredChecksum;
import org.bip324proxy.v1.V1ProtocolException;

/**
 * Threads that compute the v1 checksums of large payloads ({@link DeferredChecksum}) so the event
 * loops do not: hashing a 1 MB block costs about as much as encrypting and moving it through
 * both sockets together. Each job reports back through a callback that the caller turns into a
 * task on its own loop, in whatever order the jobs finish; the outbound queues keep the order.
 */
final class ChecksumWorkers implements AutoCloseable {
    private final ExecutorService pool;

    /** @param threadPrefix worker threads are named this plus their index */
    ChecksumWorkers(int threads, String threadPrefix) {
        AtomicInteger index = new AtomicInteger();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, threadPrefix + index.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code job} on a worker, then calls {@code done} there with nothing, or with why the
     * client's message failed its checksum. After {@link #close()}, runs it on the calling thread.
     */
    void submit(DeferredChecksum job, Consumer<Optional<V1ProtocolException>> done) {
        try {
            pool.execute(() -> done.accept(run(job)));
        } catch (RejectedExecutionException e) {
            done.accept(run(job));
        }
    }

    private static Optional<V1ProtocolException> run(DeferredChecksum job) {
        try {
            job.run();
            return Optional.empty();
        } catch (V1ProtocolException e) {
            return Optional.of(e);
        }
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
