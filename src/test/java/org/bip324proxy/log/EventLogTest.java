package org.bip324proxy.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Text log lines: a value someone else chose cannot start a line of its own or pass for a field. */
@Tag("fast")
class EventLogTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final EventLog log = new EventLog(new PrintStream(out, true, StandardCharsets.UTF_8), EventLog.Format.TEXT,
            EventLog.Level.INFO);

    private String line(Object value) {
        out.reset();
        log.warn("close").with("conn", 7).with("reason", value).with("outcome", "error").log();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aForgedLineStaysInsideItsValue() {
        String forged = "x\n2026-01-01T00:00:00Z INFO close conn=8 outcome=ok\r";
        String line = line(forged);
        assertEquals(1, line.split("\n", -1).length - 1, "exactly one line: " + line);
        assertTrue(line.contains(" reason=\"x\\n2026-01-01T00:00:00Z INFO close conn=8 outcome=ok\\r\" outcome=error"), line);
    }

    @Test
    void otherControlAndFormatCharactersAreEscaped() {
        assertTrue(line("a\u0000b\u001b[31mc\u007fd").contains(" reason=\"a\\u0000b\\u001b[31mc\\u007fd\" "), line("x"));
        assertTrue(line("user\u202Eexe.txt").contains(" reason=\"user\\u202eexe.txt\" "), "bidi override escaped");
        assertTrue(line("a\u2028b").contains(" reason=\"a\\u2028b\" "), "line separator escaped");
        assertTrue(line("tab\there").contains(" reason=\"tab\\there\" "));
    }

    @Test
    void aValueCannotPassForAnotherField() {
        assertTrue(line("ok outcome=ok").contains(" reason=\"ok outcome=ok\" outcome=error"));
        assertTrue(line("a\\\" outcome=ok").contains(" reason=\"a\\\\\\\" outcome=ok\" outcome=error"));
        assertTrue(line("back\\slash").contains(" reason=\"back\\\\slash\" "), "a lone backslash is quoted and escaped");
    }

    @Test
    void plainValuesStayUnquoted() {
        assertTrue(line("peer_closed").contains(" reason=peer_closed outcome=error"));
        assertTrue(line("/Satoshi:27.0.0/").contains(" reason=/Satoshi:27.0.0/ "));
        assertTrue(line("").contains(" reason=\"\" "));
    }
}
