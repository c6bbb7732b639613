package org.bip324proxy.engine;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Runs one connection's events on its loop thread: a socket that is ready, a task handed over
 * (a checksum job done, a name resolved), a tick. Each event is followed by the connection's
 * bookkeeping (flush, phase, interest, close), once, even when the event started others
 * inside; after the connection has closed, events are ignored. A bug in a session event ends
 * that connection only; a socket event's bugs and errors go back to the loop, which reports them.
 */
final class ConnectionEvents {
    /** A socket event: it may fail with a socket error. */
    interface SocketWork {
        void run() throws IOException;
    }

    private final Runnable afterEvent;
    private final Consumer<Throwable> bug;
    private boolean inEvent;
    private boolean closed;

    /**
     * @param afterEvent the bookkeeping after every event
     * @param bug ends the connection for a bug in a session event (and logs it)
     */
    ConnectionEvents(Runnable afterEvent, Consumer<Throwable> bug) {
        this.afterEvent = afterEvent;
        this.bug = bug;
    }

    /**
     * Runs a socket event: a socket error is thrown on after the bookkeeping; a bug is thrown on
     * at once, the bookkeeping skipped.
     */
    void socketEvent(SocketWork work) throws IOException {
        if (closed) {
            return;
        }
        inEvent = true;
        try {
            work.run();
        } catch (IOException e) {
            inEvent = false;
            afterEvent.run();
            throw e;
        } catch (RuntimeException | Error e) {
            inEvent = false;
            throw e;
        }
        inEvent = false;
        afterEvent.run();
    }

    /** Runs a session event (from a loop task or a tick); a bug in it (or in the bookkeeping) ends this connection only. */
    void event(Runnable r) {
        if (closed) {
            return;
        }
        inEvent = true;
        try {
            r.run();
            inEvent = false;
            afterEvent.run();
        } catch (RuntimeException | Error e) {
            inEvent = false;
            bug.accept(e);
        }
    }

    /** Whether the bookkeeping is due now: not while an event is still running, nor once closed. */
    boolean bookkeepingDue() {
        return !closed && !inEvent;
    }

    boolean closed() {
        return closed;
    }

    /** The connection has closed: no more events run. */
    void markClosed() {
        closed = true;
    }
}
