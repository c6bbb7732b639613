package org.bip324proxy.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Name lookups for SOCKS5 destinations that are not sent to an upstream proxy, off the event
 * loops (a lookup can block for seconds). {@value #THREADS} threads, at most {@value #MAX_PENDING}
 * lookups waiting; beyond that a lookup fails at once instead of queueing without bound.
 */
final class Resolver implements AutoCloseable {
    static final int THREADS = 2;
    static final int MAX_PENDING = 64;
    /** Resolver threads are named this plus their index. */
    static final String THREAD_PREFIX = "bip324-resolver-";

    private final ThreadPoolExecutor pool;

    Resolver() {
        AtomicInteger index = new AtomicInteger();
        pool = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_PENDING), r -> {
            Thread t = new Thread(r, THREAD_PREFIX + index.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Looks {@code host} up; {@code done} receives the first address or, on failure, null and why.
     * It runs on a resolver thread (or the caller's when the lookup is refused): hop back to the
     * loop inside it.
     */
    void resolve(String host, BiConsumer<InetAddress, String> done) {
        try {
            pool.execute(() -> {
                InetAddress address;
                try {
                    address = InetAddress.getByName(host);
                } catch (UnknownHostException e) {
                    done.accept(null, "cannot resolve '" + host + "'");
                    return;
                }
                done.accept(address, null);
            });
        } catch (RejectedExecutionException e) {
            done.accept(null, "too many name lookups pending (" + MAX_PENDING + ")");
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
