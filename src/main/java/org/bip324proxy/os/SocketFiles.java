package org.bip324proxy.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** Ownership and mode of the control socket file and its directory. */
public final class SocketFiles {
    private SocketFiles() {
    }

    /** Mode 0660 and, if given, group {@code group}: only the owner and that group may connect. */
    public static void restrictSocket(Path socket, Optional<String> group) throws IOException {
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        if (group.isPresent()) {
            setGroup(socket, group.get());
        }
    }

    /**
     * Creates the socket's directory if missing: mode 0750 with the admin group (so its members can
     * reach the socket), else 0700. An existing directory is left as it is.
     */
    public static void createDirectory(Path dir, Optional<String> group) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(group.isPresent() ? "rwxr-x---" : "rwx------"));
        if (group.isPresent()) {
            setGroup(dir, group.get());
        }
    }

    private static void setGroup(Path path, String group) throws IOException {
        GroupPrincipal principal = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(principal);
    }
}
