package org.bip324proxy.os;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import jnr.constants.platform.Errno;
import jnr.constants.platform.OpenFlags;
import jnr.posix.FileStat;
import jnr.posix.POSIX;

/**
 * The control socket's directory and file, made and checked without following symbolic links: the
 * directory is opened with {@code O_NOFOLLOW} and checked (and, when just created, given its mode
 * and group) through that file descriptor; the socket is created under a umask that gives it mode
 * 0660 and gets its group with {@code lchown}.
 */
public final class SocketFiles {
    static final int DIRECTORY_MODE = 0700;
    static final int DIRECTORY_MODE_WITH_GROUP = 0750;
    /** What the socket may not have: execute bits and any access for others (so 0660 at most). */
    private static final int SOCKET_UMASK = 0117;
    private static final int WRITABLE_BY_OTHERS = 0022;

    private SocketFiles() {
    }

    /** Something that binds the socket. */
    public interface Bind {
        void run() throws IOException;
    }

    /**
     * Creates {@code dir} if missing (mode 0750 with the admin group, else 0700), then checks that it
     * is a directory (not a link to one) owned by this process's effective uid that neither its
     * group nor others may write to. A directory someone else made or can change could hold a
     * socket of theirs in place of ours.
     *
     * @throws IOException naming the directory and what is wrong with it
     * @throws NativeUnavailableException if native access is unavailable
     */
    public static void prepareDirectory(Path dir, Optional<String> group) throws IOException {
        POSIX posix = ProcessIdentity.posix();
        boolean created = false;
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.toAbsolutePath().getParent());
            try {
                Files.createDirectory(dir);
                created = true;
            } catch (FileAlreadyExistsException raced) {
                // made by someone else in the meantime: checked below like any existing directory
            }
        }
        int flags = OpenFlags.O_RDONLY.intValue() | OpenFlags.O_DIRECTORY.intValue()
                | OpenFlags.O_NOFOLLOW.intValue() | OpenFlags.O_CLOEXEC.intValue();
        int fd = posix.open(dir.toString(), flags, 0);
        if (fd < 0) {
            int errno = posix.errno();
            throw new IOException("the directory " + dir + " cannot be used: "
                    + (errno == Errno.ELOOP.intValue() || errno == Errno.ENOTDIR.intValue()
                            ? "it is not a directory (a symbolic link?)" : describe(errno)));
        }
        try {
            FileStat st = posix.fstat(fd);
            long owner = Integer.toUnsignedLong(st.uid());
            long self = ProcessIdentity.effectiveUid();
            if (owner != self) {
                throw new IOException("the directory " + dir + " belongs to uid " + owner + ", not to this process "
                        + "(uid " + self + "): another user could answer in the proxy's place; remove it, or choose "
                        + "a directory of your own");
            }
            if (created) {
                OptionalLong gid = group.isPresent() ? ProcessIdentity.gidOf(group.get()) : OptionalLong.empty();
                if (group.isPresent() && gid.isEmpty()) {
                    throw new IOException("no group named " + group.get());
                }
                if (gid.isPresent()) {
                    check(posix, posix.fchown(fd, -1, (int) gid.getAsLong()), "chown " + dir);
                }
                check(posix, posix.fchmod(fd, gid.isPresent() ? DIRECTORY_MODE_WITH_GROUP : DIRECTORY_MODE), "chmod " + dir);
                st = posix.fstat(fd);
            }
            if ((st.mode() & WRITABLE_BY_OTHERS) != 0) {
                throw new IOException("the directory " + dir + " has mode " + String.format("%04o", st.mode() & 07777)
                        + ": its group or other users could replace the socket; make it 0700 or 0750 (chmod go-w), "
                        + "or remove it");
            }
        } finally {
            posix.close(fd);
        }
    }

    /**
     * Runs {@code bind} under a umask that creates the socket with mode 0660, then gives it
     * {@code group} (with {@code lchown}, which does not follow links). Call after
     * {@link #prepareDirectory}, so no one else can have put anything at {@code socket}.
     */
    public static void bindRestricted(Path socket, Optional<String> group, Bind bind) throws IOException {
        POSIX posix = ProcessIdentity.posix();
        int previous = posix.umask(SOCKET_UMASK);
        try {
            bind.run();
        } finally {
            posix.umask(previous);
        }
        if (group.isPresent()) {
            OptionalLong gid = ProcessIdentity.gidOf(group.get());
            if (gid.isEmpty()) {
                throw new IOException("no group named " + group.get());
            }
            check(posix, posix.lchown(socket.toString(), -1, (int) gid.getAsLong()), "chown " + socket);
        }
    }

    private static void check(POSIX posix, int result, String what) throws IOException {
        if (result < 0) {
            throw new IOException(what + ": " + describe(posix.errno()));
        }
    }

    private static String describe(int errno) {
        Errno e = Errno.valueOf(errno);
        return e == null || e == Errno.__UNKNOWN_CONSTANT__ ? "errno " + errno : e.description();
    }
}
