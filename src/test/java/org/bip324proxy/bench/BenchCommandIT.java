package org.bip324proxy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bip324proxy.testsupport.Cmd;
import org.bip324proxy.testsupport.ProxyProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The {@code bench} command of the real jar, with tiny workloads: every figure the benchmark
 * promises is printed as a number for both columns (the figures themselves are not judged here;
 * they are recorded in docs/performance.md).
 */
@Tag("system")
class BenchCommandIT {
    private static final List<String> BOTH_COLUMNS = List.of("bulk upstream, 1 MB", "bulk downstream, 1 MB",
            "bulk upstream, CPU of relaying threads per MB", "bulk downstream, CPU of relaying threads per MB",
            "bulk upstream, MB per CPU-second", "bulk downstream, MB per CPU-second", "small messages",
            "ping round trip p50", "ping round trip p99", "handshakes/s");

    @Test
    void printsEveryFigureForProxyAndRelay() throws Exception {
        Cmd.Result r = Cmd.run(List.of(ProxyProcess.java(), "-Xmx256m", "-jar", ProxyProcess.jar().toString(), "bench",
                "--bulk-messages", "3", "--small-messages", "2500", "--pings", "100", "--handshakes", "5",
                "--idle", "20,50", "--rounds", "1", "--proxy-heap", "128m"), null, Duration.ofMinutes(3));
        assertEquals(0, r.exitCode(), r.toString());
        String out = r.stdout();
        for (String metric : BOTH_COLUMNS) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + ".*?\\s(-?[\\d.]+)\\s+(-?[\\d.]+)$").matcher(out);
            assertTrue(m.find(), metric + " missing or not numeric in:\n" + out);
            assertTrue(Double.parseDouble(m.group(1)) > 0 && Double.parseDouble(m.group(2)) > 0, metric + ":\n" + out);
        }
        assertTrue(Pattern.compile("(?m)^added ping latency p50 / p99 \\(us\\)\\s+-?[\\d.]+ / -?[\\d.]+$").matcher(out).find(), out);
        for (String idle : List.of("no connections", "with 20 idle connections", "with 50 idle connections")) {
            Matcher m = Pattern.compile("(?m)^proxy RSS,? " + idle + " \\(MB\\)\\s+(\\d+)").matcher(out);
            assertTrue(m.find(), idle + " missing in:\n" + out);
            assertTrue(Integer.parseInt(m.group(1)) > 10, "a JVM's RSS is more than 10 MB:\n" + out);
        }
    }
}
