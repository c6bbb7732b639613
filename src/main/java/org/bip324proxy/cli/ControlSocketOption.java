package org.bip324proxy.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.bip324proxy.control.ControlSocketPath;
import org.bip324proxy.os.NativeUnavailableException;
import org.bip324proxy.os.ProcessIdentity;
import picocli.CommandLine.Option;

/**
 * The {@code --control-socket} option of the commands that ask a running proxy ({@code status},
 * {@code sessions}), declared once, and where they look without it. (The proxy's own
 * {@code --control-socket}, the path it binds, is in {@link ObservabilityOptions}.)
 */
final class ControlSocketOption {
    @Option(names = "--control-socket", paramLabel = "PATH",
            description = "The proxy's control socket. Default: the first that exists of $RUNTIME_DIRECTORY/control.sock, "
                    + "/run/bip324-proxy/control.sock and $XDG_RUNTIME_DIR/bip324-proxy/control.sock "
                    + "(/tmp/bip324-proxy-UID/control.sock without XDG_RUNTIME_DIR).")
    Path path;

    /** The given path, or the first default that exists. */
    Optional<Path> find() {
        if (path != null) {
            return Optional.of(path);
        }
        return candidates().stream().filter(Files::exists).findFirst();
    }

    /** The default paths, in the order {@link #find} tries them. */
    static List<Path> candidates() {
        return ControlSocketPath.candidatesForClient(System.getenv(), currentUid());
    }

    /** getuid() itself: the JDK's UnixSystem reports uid 0 for a user without a passwd entry. */
    private static long currentUid() {
        try {
            return ProcessIdentity.realUid();
        } catch (NativeUnavailableException e) {
            return new com.sun.security.auth.module.UnixSystem().getUid();
        }
    }
}
