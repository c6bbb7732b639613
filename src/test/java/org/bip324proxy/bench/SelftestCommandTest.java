package org.bip324proxy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code selftest}: a newcomer's first BIP324 session, on loopback only. */
@Tag("fast")
class SelftestCommandTest {
    @Test
    void oneSessionEndToEndWithTheSameSessionIdOnBothEnds() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new SelftestCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        assertEquals(0, cl.execute(), out + "\n" + err);
        Matcher proxy = Pattern.compile("session id at the proxy: +([0-9a-f]{64})").matcher(out.toString());
        Matcher responder = Pattern.compile("session id at the responder: +([0-9a-f]{64})").matcher(out.toString());
        assertTrue(proxy.find() && responder.find(), out.toString());
        assertEquals(proxy.group(1), responder.group(1));
        assertTrue(out.toString().contains("selftest: OK"), out.toString());
    }
}
