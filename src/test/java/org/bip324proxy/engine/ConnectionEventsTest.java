package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A connection's event discipline: the bookkeeping once after each event (not inside it), bugs
 * of session events contained, socket errors thrown on after the bookkeeping, nothing once closed.
 */
@Tag("fast")
class ConnectionEventsTest {
    private final List<String> trace = new ArrayList<>();
    private final List<Throwable> bugs = new ArrayList<>();
    private ConnectionEvents events;

    ConnectionEventsTest() {
        events = new ConnectionEvents(() -> trace.add("bookkeeping due=" + events.bookkeepingDue()), bugs::add);
    }

    @Test
    void theBookkeepingFollowsAnEventOnceAndIsNotDueInsideIt() {
        events.event(() -> trace.add("event due=" + events.bookkeepingDue()));
        assertEquals(List.of("event due=false", "bookkeeping due=true"), trace);
    }

    @Test
    void aBugInASessionEventIsContainedWithoutBookkeeping() {
        IllegalStateException bug = new IllegalStateException("bug");
        events.event(() -> {
            throw bug;
        });
        assertEquals(List.of(bug), bugs);
        assertTrue(trace.isEmpty());
        assertTrue(events.bookkeepingDue(), "the next event may run");
    }

    @Test
    void aSocketErrorIsThrownOnAfterTheBookkeeping() {
        IOException reset = new IOException("Connection reset by peer");
        IOException thrown = assertThrows(IOException.class, () -> events.socketEvent(() -> {
            throw reset;
        }));
        assertSame(reset, thrown);
        assertEquals(List.of("bookkeeping due=true"), trace);
    }

    @Test
    void aBugInASocketEventGoesToTheLoopWithoutBookkeeping() {
        assertThrows(IllegalStateException.class, () -> events.socketEvent(() -> {
            throw new IllegalStateException("bug");
        }));
        assertTrue(trace.isEmpty());
        assertTrue(bugs.isEmpty(), "the loop reports it through the handler's onFailure");
    }

    @Test
    void nothingRunsOnceClosed() throws IOException {
        events.markClosed();
        events.event(() -> trace.add("event"));
        events.socketEvent(() -> trace.add("socket event"));
        assertTrue(events.closed());
        assertFalse(events.bookkeepingDue());
        assertTrue(trace.isEmpty());
    }
}
