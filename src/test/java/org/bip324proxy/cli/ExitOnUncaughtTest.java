package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.bip324proxy.log.EventLog;
import org.junit.jupiter.api.Test;

class ExitOnUncaughtTest {
    @Test
    void aThrowableEscapingAThreadIsLoggedAndEndsTheProcessNonZero() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventLog log = new EventLog(new PrintStream(out, true, StandardCharsets.UTF_8), EventLog.Format.TEXT, EventLog.Level.INFO);
        AtomicInteger exitStatus = new AtomicInteger(-1);
        Thread t = new Thread(() -> {
            throw new OutOfMemoryError("Java heap space");
        }, "bip324-loop-7");
        t.setUncaughtExceptionHandler(new ExitOnUncaught(log, exitStatus::set));
        t.start();
        t.join();
        assertEquals(ExitOnUncaught.EXIT_STATUS, exitStatus.get());
        String line = out.toString(StandardCharsets.UTF_8);
        assertTrue(line.contains(" ERROR fatal thread=bip324-loop-7 "), line);
        assertTrue(line.contains("java.lang.OutOfMemoryError: Java heap space"), line);
        assertTrue(line.contains("ExitOnUncaughtTest"), "names where it was thrown: " + line);
    }
}
