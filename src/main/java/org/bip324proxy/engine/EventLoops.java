package org.bip324proxy.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The proxy's event loops, each with the {@link LoopConnections} it alone touches (ticked with
 * it). Anything that concerns every connection (a snapshot, closing them all) runs as a task on
 * each loop, for its own; once the loops have stopped their sets are read directly.
 */
final class EventLoops {
    private final List<EventLoop> loops = new ArrayList<>();
    private final Map<EventLoop, LoopConnections> connections = new IdentityHashMap<>();
    private volatile boolean stopped;

    /** Makes {@code threads} loops named {@code prefix} plus their index; {@link #start} runs them. */
    void create(int threads, String prefix) {
        for (int i = 0; i < threads; i++) {
            EventLoop loop = new EventLoop(prefix + i);
            LoopConnections set = new LoopConnections();
            loop.onTick(now -> {
                set.live().forEach(c -> c.onTick(now));
                set.fronts().forEach(f -> f.onTick(now));
            });
            loops.add(loop);
            connections.put(loop, set);
        }
    }

    boolean created() {
        return !loops.isEmpty();
    }

    List<EventLoop> all() {
        return loops;
    }

    /** The connections of {@code loop}; only to be touched on that loop's thread. */
    LoopConnections connectionsOf(EventLoop loop) {
        return connections.get(loop);
    }

    void start() {
        loops.forEach(EventLoop::start);
    }

    /**
     * Each loop's part of a snapshot at {@code now}, taken on its own thread (or directly once
     * stopped).
     *
     * @throws TimeoutException if a loop does not answer in time (it is stuck or has died)
     */
    List<ProxySnapshot> snapshots(long now, Duration timeout) throws TimeoutException, InterruptedException {
        List<ProxySnapshot> parts = new ArrayList<>();
        if (stopped) {
            loops.forEach(loop -> parts.add(connections.get(loop).snapshot(now)));
            return parts;
        }
        List<CompletableFuture<ProxySnapshot>> futures = new ArrayList<>();
        for (EventLoop loop : loops) {
            CompletableFuture<ProxySnapshot> f = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    f.complete(connections.get(loop).snapshot(now));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e); // fails this status request, not the loop
                }
            });
            futures.add(f);
        }
        long deadline = now + timeout.toNanos();
        for (CompletableFuture<ProxySnapshot> f : futures) {
            try {
                parts.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException e) {
                throw new IllegalStateException("snapshot failed", e.getCause());
            }
        }
        return parts;
    }

    /** Asks every live connection to close (flushing what is queued), each on its own loop. */
    void closeAllConnections() {
        for (EventLoop loop : loops) {
            loop.execute(() -> {
                connections.get(loop).fronts().forEach(Socks5Front::stopForShutdown);
                connections.get(loop).live().forEach(Connection::stopForShutdown);
            });
        }
    }

    /** Tells the loops to stop (their open connections are dropped); {@link #join} waits for them. */
    void shutdown() {
        loops.forEach(EventLoop::shutdown);
    }

    /** Waits for the loops to end; returns early if interrupted (the interrupt is kept). */
    void join() {
        for (EventLoop loop : loops) {
            try {
                loop.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        stopped = true;
    }
}
