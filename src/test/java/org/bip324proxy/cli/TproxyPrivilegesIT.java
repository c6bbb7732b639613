package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.bip324proxy.testsupport.Cmd;
import org.bip324proxy.testsupport.ProxyProcess;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A transparent (TPROXY) listener needs CAP_NET_ADMIN: without it the real jar says so and exits 1. */
@Tag("system")
class TproxyPrivilegesIT {
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    @Test
    void tproxyWithoutCapNetAdminExitsWithAClearMessage() throws Exception {
        SystemTestSupport.requireRoot("setpriv");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.copy(ProxyProcess.jar(), dir.resolve("bip324-proxy.jar")); // readable by the other uid
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));

        Cmd.Result r = Cmd.run(List.of(SystemTestSupport.tool("setpriv"), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", ProxyProcess.java(), "-jar", jar.toString(), "--destination", "tproxy",
                "--listen", "127.0.0.1:0", "--no-control-socket"), null, Duration.ofSeconds(60));

        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("setsockopt(IP_TRANSPARENT) failed: Operation not permitted"), r.stderr());
        assertTrue(r.stderr().contains("--destination tproxy needs CAP_NET_ADMIN"), r.stderr());
        assertFalse(r.stderr().contains("Exception"), "no stack trace for a missing privilege:\n" + r.stderr());
    }
}
