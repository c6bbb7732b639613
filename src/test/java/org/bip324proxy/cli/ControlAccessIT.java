package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The control socket refuses other users: {@code status} runs as uid 65534 (setpriv) against the
 * real proxy jar running as root. Mandatory under CI=true.
 */
@Tag("system")
class ControlAccessIT {
    private static final long NOBODY = 65534;
    /** No passwd entry has this uid (checked in setUp). */
    private static final long NO_PASSWD_UID = 54321;
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        SystemTestSupport.requireRoot("setpriv", "groupadd", "groupdel");
        dir = Files.createTempDirectory("b324t-obs");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        SystemTestSupport.require(!Cmd.run(List.of("getent", "passwd", Long.toString(NO_PASSWD_UID)), null,
                Duration.ofSeconds(30)).ok(), "uid " + NO_PASSWD_UID + " has a passwd entry here");
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
        Path jar = readableJar();
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

    /**
     * Issue 10 fault 8: a proxy run by a user without XDG_RUNTIME_DIR uses /tmp/bip324-proxy-UID;
     * another user who made that directory first (mode 0777) must not get to answer status. The proxy
     * refuses to start, with one line naming the directory, before it logs "listening".
     */
    @Test
    void aProxyRefusesAControlDirectoryAnotherUserMadeFirst() throws Exception {
        Path jar = readableJar();
        Path spoofed = Path.of(System.getProperty("java.io.tmpdir"), "bip324-proxy-" + NO_PASSWD_UID);
        Files.deleteIfExists(spoofed);
        Files.createDirectory(spoofed);
        try {
            Files.setPosixFilePermissions(spoofed, PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.setAttribute(spoofed, "unix:uid", (int) NOBODY, LinkOption.NOFOLLOW_LINKS);
            List<String> cmd = new ArrayList<>(asUid(NO_PASSWD_UID));
            cmd.addAll(List.of(ProxyProcess.java(), "-jar", jar.toString(), "--listen", "127.0.0.1:0"));
            Cmd.Result r = Cmd.run(cmd, null, Duration.ofSeconds(60));
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("the directory " + spoofed + " belongs to uid " + NOBODY
                    + ", not to this process (uid " + NO_PASSWD_UID + ")"), r.stderr());
            assertFalse(r.stderr().contains("listening"), r.stderr());
            assertFalse(Files.exists(spoofed.resolve("control.sock"), LinkOption.NOFOLLOW_LINKS));
        } finally {
            Files.delete(spoofed);
        }
    }

    /** Issue 10: status looked for uid 0's socket when the user has no passwd entry. */
    @Test
    void statusLooksForTheSocketOfItsRealUidWithoutAPasswdEntry() throws Exception {
        Path jar = readableJar();
        List<String> cmd = new ArrayList<>(asUid(NO_PASSWD_UID));
        cmd.addAll(List.of(ProxyProcess.java(), "-jar", jar.toString(), "status"));
        Cmd.Result r = Cmd.run(cmd, null, Duration.ofSeconds(60));
        assertEquals(StatusCommand.NOT_RUNNING, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("/bip324-proxy-" + NO_PASSWD_UID + "/control.sock"), r.stderr());
    }

    /** A uid with no passwd entry, its environment without the runtime directories of the test's user. */
    private static List<String> asUid(long uid) {
        return List.of("env", "-u", "XDG_RUNTIME_DIR", "-u", "RUNTIME_DIRECTORY", SystemTestSupport.tool("setpriv"),
                "--reuid=" + uid, "--regid=" + uid, "--clear-groups");
    }

    /** The jar copied where other uids can read it, wherever the checkout is. */
    private Path readableJar() throws Exception {
        Path jar = dir.resolve("bip324-proxy.jar");
        Files.copy(ProxyProcess.jar(), jar, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        return jar;
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
