package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bip324proxy.testsupport.Cmd;
import org.bip324proxy.testsupport.ProxyProcess;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.bip324proxy.testsupport.TempGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The control socket refuses other users: {@code status} runs as uid 65534 (setpriv) against the
 * real proxy jar running as root. Mandatory under CI=true.
 */
class ControlAccessIT {
    private static final long NOBODY = 65534;
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        SystemTestSupport.requireRoot("setpriv", "groupadd", "groupdel");
        dir = Files.createTempDirectory("b324t-obs");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void onlyRootTheOwnerAndTheAdminGroupMayAsk() throws Exception {
        Path jar = dir.resolve("bip324-proxy.jar"); // readable by the other uid wherever the checkout is
        Files.copy(ProxyProcess.jar(), jar, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        Path socket = dir.resolve("run").resolve("control.sock");
        try (TempGroup admins = TempGroup.create();
                ProxyProcess proxy = new ProxyProcess(jar, "--listen", "127.0.0.1:0", "--control-socket", socket.toString(),
                        "--control-group", admins.name())) {
            proxy.awaitLog("control_socket", Duration.ofSeconds(60));
            assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));

            Cmd.Result root = status(jar, socket, List.of());
            assertEquals(0, root.exitCode(), root.toString());
            assertTrue(root.stdout().contains("no live connections"), root.stdout());

            // The file modes keep a stranger out before the proxy sees it.
            Cmd.Result stranger = status(jar, socket, asUser(NOBODY));
            assertEquals(StatusCommand.ACCESS_DENIED, stranger.exitCode(), stranger.toString());
            assertTrue(stranger.stderr().contains("access denied"), stranger.stderr());

            // The admin group gets through both the modes and the credentials check.
            Cmd.Result admin = status(jar, socket, asUser(admins.gid()));
            assertEquals(0, admin.exitCode(), admin.toString() + "\nproxy log:\n" + proxy.logText());

            // With the modes opened up, the proxy itself refuses the stranger (SO_PEERCRED).
            Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            Cmd.Result refused = status(jar, socket, asUser(NOBODY));
            assertEquals(StatusCommand.ACCESS_DENIED, refused.exitCode(), refused.toString());
            assertTrue(refused.stderr().contains("refused: access denied: uid " + NOBODY), refused.stderr());
            proxy.awaitLog("control_denied uid=" + NOBODY, Duration.ofSeconds(10));
        }
    }

    private static List<String> asUser(long gid) {
        return List.of(SystemTestSupport.tool("setpriv"), "--reuid=" + NOBODY, "--regid=" + gid, "--clear-groups");
    }

    private static Cmd.Result status(Path jar, Path socket, List<String> prefix) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(ProxyProcess.java(), "-jar", jar.toString(), "status", "--control-socket", socket.toString()));
        return Cmd.run(cmd, null, Duration.ofSeconds(60));
    }
}
