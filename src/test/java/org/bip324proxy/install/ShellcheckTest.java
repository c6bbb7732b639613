package org.bip324proxy.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bip324proxy.testsupport.Cmd;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every shipped shell script passes shellcheck (skipped without it; required under CI=true). */
@Tag("system")
class ShellcheckTest {

    private static String shellcheck() {
        String tool = SystemTestSupport.tool("shellcheck");
        SystemTestSupport.require(tool != null, "shellcheck is not installed (apt-get install shellcheck)");
        return tool;
    }

    @Test
    void shippedScriptsHaveNoFindings() throws Exception {
        List<String> command = new ArrayList<>(List.of(shellcheck(), "--external-sources", "--severity=style"));
        for (String script : ShippedScripts.ALL) {
            Path p = ShippedScripts.path(script);
            assertTrue(Files.isRegularFile(p), p + " is missing");
            command.add(p.toString());
        }
        Cmd.Result r = Cmd.run(command, null, Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), "shellcheck findings:\n" + r.stdout() + r.stderr());
    }

    @Test
    void shellcheckReportsAFlawedScript(@TempDir Path dir) throws Exception {
        // The same invocation flags an unquoted expansion, so a pass above means something.
        Path flawed = dir.resolve("flawed");
        Files.writeString(flawed, "#!/usr/bin/env bash\nrm $1\n");
        Cmd.Result r = Cmd.run(List.of(shellcheck(), "--external-sources", "--severity=style", flawed.toString()),
                null, Duration.ofSeconds(60));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("SC2086"), r.stdout());
    }
}
