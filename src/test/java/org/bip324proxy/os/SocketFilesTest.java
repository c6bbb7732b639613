package org.bip324proxy.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The control socket's directory: made 0700, and refused when someone else made or can change it. */
class SocketFilesTest {
    private Path base;

    @BeforeEach
    void createBase() throws IOException {
        base = Files.createTempDirectory("b324t-sock");
    }

    @AfterEach
    void removeBase() throws IOException {
        try (var walk = Files.walk(base)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Tag("fast")
    @Test
    void aMissingDirectoryIsCreatedForTheOwnerOnly() throws IOException {
        Path dir = base.resolve("a").resolve("run");
        SocketFiles.prepareDirectory(dir, Optional.empty());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        SocketFiles.prepareDirectory(dir, Optional.empty()); // and accepted as it is the next time
    }

    @Tag("fast")
    @Test
    void aDirectoryOthersMayWriteIsRefused() throws IOException {
        Path dir = Files.createDirectory(base.resolve("spoofed"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> SocketFiles.prepareDirectory(dir, Optional.empty()));
        assertTrue(e.getMessage().contains("has mode 0777"), e.getMessage());
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), "left as it was");
    }

    @Tag("fast")
    @Test
    void aLinkToADirectoryIsRefusedAndItsTargetLeftAlone() throws IOException {
        Path target = Files.createDirectory(base.resolve("target"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = Files.createSymbolicLink(base.resolve("link"), target);
        IOException e = assertThrows(IOException.class, () -> SocketFiles.prepareDirectory(link, Optional.empty()));
        assertTrue(e.getMessage().contains("not a directory (a symbolic link?)"), e.getMessage());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertTrue(Files.isSymbolicLink(link));
    }

    /** The attack: another user pre-creates the predictable directory, mode 0777, to answer status himself. */
    @Tag("system")
    @Test
    void aDirectoryOfAnotherUserIsRefused() throws IOException {
        SystemTestSupport.requireRoot();
        Path dir = Files.createDirectory(base.resolve("bip324-proxy-1000"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(dir, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        IOException e = assertThrows(IOException.class, () -> SocketFiles.prepareDirectory(dir, Optional.empty()));
        assertTrue(e.getMessage().contains("belongs to uid 65534, not to this process (uid 0)"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("control.sock")));
    }
}
