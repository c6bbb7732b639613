package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

@Tag("fast")
class ObservabilityOptionsTest {
    private static ObservabilityOptions parse(String... args) {
        Main main = new Main();
        new CommandLine(main).parseArgs(args);
        return main.observability;
    }

    @Test
    void metricsAreOffByDefaultAndLoopbackIsAccepted() {
        assertEquals(Optional.empty(), parse().metricsAddress());
        assertEquals(9324, parse("--metrics", "127.0.0.1:9324").metricsAddress().orElseThrow().getPort());
        assertEquals(9324, parse("--metrics", "[::1]:9324").metricsAddress().orElseThrow().getPort());
    }

    @Test
    void aRemoteMetricsAddressNeedsExplicitConsent() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--metrics", "0.0.0.0:9324").check());
        assertTrue(e.getMessage().contains("--metrics-allow-remote"), e.getMessage());
        assertTrue(parse("--metrics", "0.0.0.0:9324", "--metrics-allow-remote").metricsAddress().isPresent());
    }

    @Test
    void noControlSocketExcludesTheOtherControlOptions() {
        assertThrows(IllegalArgumentException.class, () -> parse("--no-control-socket", "--control-group", "adm").check());
        parse("--no-control-socket").check();
    }

    @Test
    void shutdownGraceDefaultsToTenSeconds() {
        assertEquals(java.time.Duration.ofSeconds(10), parse().shutdownGrace);
    }
}
