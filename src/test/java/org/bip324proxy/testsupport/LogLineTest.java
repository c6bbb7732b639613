package org.bip324proxy.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bip324proxy.log.EventLog;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The tests' log-line reader gives back exactly the values the event log wrote, however they were escaped. */
@Tag("fast")
class LogLineTest {
    @Test
    void readsBackEveryValueTheLogWrote() {
        List<String> values = List.of("plain", "", "two words", "a=b", "quote \" inside", "back\\slash",
                "x\n2026-01-01T00:00:00Z INFO close conn=8 outcome=ok\r", "tab\there", "a\u0000b\u001b[31mc", "user\u202Eexe.txt");
        for (String v : values) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new EventLog(new PrintStream(out, true, StandardCharsets.UTF_8), EventLog.Format.TEXT, EventLog.Level.INFO)
                    .warn("close").with("conn", 7).with("reason", v).with("outcome", "error").log();
            LogLine l = LogLine.of(out.toString(StandardCharsets.UTF_8).stripTrailing());
            assertEquals("WARN", l.level());
            assertEquals("close", l.event());
            assertEquals(v, l.get("reason"), l.raw());
            l.assertField("conn", 7).assertField("outcome", "error");
        }
    }

    @Test
    void otherOutputIsNotALogLine() {
        assertNull(LogLine.parse("bip324-proxy: cannot listen on [::1]:1324"));
    }
}
