package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.bip324proxy.engine.ProxyServer;
import org.bip324proxy.log.EventLog;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class ExitOnUncaughtTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final EventLog log = new EventLog(new PrintStream(out, true, StandardCharsets.UTF_8), EventLog.Format.TEXT,
            EventLog.Level.INFO);
    private final AtomicInteger exitStatus = new AtomicInteger(-1);

    /** Runs {@code body} in a thread named {@code name} under the proxy's policy; returns what was logged. */
    private String die(String name, Runnable body) throws InterruptedException {
        Thread t = new Thread(body, name);
        t.setUncaughtExceptionHandler(new ExitOnUncaught(log, ProxyServer::isEngineThread, exitStatus::set));
        t.start();
        t.join();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void outOfMemoryInAnyThreadEndsTheProcessNonZero() throws Exception {
        String line = die("bip324-control-client", () -> {
            throw new OutOfMemoryError("Java heap space");
        });
        assertEquals(ExitOnUncaught.EXIT_STATUS, exitStatus.get());
        assertTrue(line.contains(" ERROR fatal thread=bip324-control-client "), line);
        assertTrue(line.contains("java.lang.OutOfMemoryError: Java heap space"), line);
        assertTrue(line.contains("ExitOnUncaughtTest"), "names where it was thrown: " + line);
    }

    @Test
    void anythingEndingAnEventLoopEndsTheProcessNonZero() throws Exception {
        String line = die(ProxyServer.LOOP_THREAD_PREFIX + "1", () -> {
            throw new IllegalStateException("selector broke");
        });
        assertEquals(ExitOnUncaught.EXIT_STATUS, exitStatus.get());
        assertTrue(line.contains(" ERROR fatal thread=bip324-loop-1 error=\"java.lang.IllegalStateException: selector broke\" "), line);
    }

    @Test
    void aFailedRequestThreadEndsAloneAndIsLogged() throws Exception {
        String line = die("bip324-http-worker", () -> {
            throw new IllegalArgumentException("bad request");
        });
        assertEquals(-1, exitStatus.get(), "the process goes on");
        assertTrue(line.contains(" ERROR thread_failed thread=bip324-http-worker "), line);
    }
}
