package org.bip324proxy.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongConsumer;

/**
 * One selector thread. Channels registered here are only touched by this thread; other threads
 * hand work over with {@link #execute}. A periodic tick (every {@value #TICK_MILLIS} ms) lets
 * handlers check their deadlines.
 */
final class EventLoop implements Runnable {
    static final long TICK_MILLIS = 100;
    /** Bytes read from a socket per read call; one buffer serves every connection of the loop. */
    static final int READ_BUFFER_SIZE = 64 * 1024;

    /** Something attached to a selection key. */
    interface Handler {
        void onReady(SelectionKey key) throws IOException;
    }

    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<LongConsumer> tickListeners = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    private final Thread thread;
    private volatile boolean running = true;

    EventLoop(String name) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        thread = new Thread(this, name);
        thread.setDaemon(false);
    }

    void start() {
        thread.start();
    }

    Selector selector() {
        return selector;
    }

    /** The loop's shared read buffer: only valid inside a handler call on this loop. */
    ByteBuffer readBuffer() {
        return readBuffer.clear();
    }

    /** Runs {@code task} on the loop thread. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Called on the loop thread with the current nanoTime at every tick. */
    void onTick(LongConsumer listener) {
        tickListeners.add(listener);
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    void shutdown() {
        running = false;
        selector.wakeup();
    }

    void join() throws InterruptedException {
        thread.join();
    }

    /**
     * Runs the loop. A handler that is {@link FailureAware} gets its own failures back (its
     * connection closes, the loop goes on), except {@linkplain #isFatal fatal} errors; anything
     * else escaping a handler, a task or a tick listener is a failure of the loop itself and ends
     * the thread, whose uncaught-exception handler decides what the process does (the proxy's
     * exits, so a service manager restarts it). Connections guard their own tasks and ticks.
     */
    @Override
    public void run() {
        long nextTick = System.nanoTime();
        while (running) {
            long waitMillis = Math.max(1, (nextTick - System.nanoTime()) / 1_000_000);
            try {
                selector.select(waitMillis);
            } catch (IOException e) {
                // A selector failure is not recoverable for this loop's channels.
                throw new UncheckedIOException("event loop " + thread.getName() + " failed", e);
            }
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                if (key.isValid()) {
                    dispatch(key);
                }
            }
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
            long now = System.nanoTime();
            if (now - nextTick >= 0) {
                nextTick = now + TICK_MILLIS * 1_000_000;
                for (LongConsumer l : tickListeners) {
                    l.accept(now);
                }
            }
        }
        Quietly.close(selector);
    }

    private void dispatch(SelectionKey key) {
        Handler handler = (Handler) key.attachment();
        try {
            handler.onReady(key);
        } catch (IOException e) {
            if (!(handler instanceof FailureAware f)) {
                throw new UncheckedIOException("event loop " + thread.getName() + " failed", e);
            }
            f.onFailure(e);
        } catch (RuntimeException | Error e) {
            if (!(handler instanceof FailureAware f) || isFatal(e)) {
                throw e;
            }
            f.onFailure(e);
        }
    }

    /**
     * Errors after which the JVM cannot be trusted to go on (out of memory, internal errors): no
     * handler may swallow them. A stack overflow unwinds cleanly and is contained like any other.
     */
    static boolean isFatal(Throwable e) {
        return e instanceof VirtualMachineError && !(e instanceof StackOverflowError);
    }

    /** A handler that turns its own failures (socket errors, bugs) into a close of its connection. */
    interface FailureAware {
        void onFailure(Throwable e);
    }
}
