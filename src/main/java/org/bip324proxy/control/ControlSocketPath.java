package org.bip324proxy.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Where the control socket lives by default: {@code $RUNTIME_DIRECTORY} (systemd's
 * RuntimeDirectory=), else the service's {@code /run/bip324-proxy} for root and for the user who
 * owns that directory (the installed service's user; the installer creates it), else a directory
 * of the user's own ({@code $XDG_RUNTIME_DIR/bip324-proxy}, or {@code /tmp/bip324-proxy-UID}).
 */
public final class ControlSocketPath {
    public static final String FILE_NAME = "control.sock";
    public static final Path SERVICE_DIRECTORY = Path.of("/run/bip324-proxy");

    private ControlSocketPath() {
    }

    /** The path the proxy binds when no --control-socket is given. */
    public static Path forProxy(Map<String, String> env, long uid) {
        return forProxy(env, uid, serviceDirectoryOwner());
    }

    /** The same, with the owner of {@link #SERVICE_DIRECTORY} (empty if there is none) given. */
    static Path forProxy(Map<String, String> env, long uid, OptionalLong serviceDirectoryOwner) {
        String runtime = env.get("RUNTIME_DIRECTORY");
        if (runtime != null && !runtime.isBlank()) {
            // systemd may list several directories separated by ':'; the first is ours.
            return Path.of(runtime.split(":")[0], FILE_NAME);
        }
        boolean serviceUser = serviceDirectoryOwner.isPresent() && serviceDirectoryOwner.getAsLong() == uid;
        return uid == 0 || serviceUser ? SERVICE_DIRECTORY.resolve(FILE_NAME) : userPath(env, uid);
    }

    /** The paths {@code status} tries, in order, when no --control-socket is given. */
    public static List<Path> candidatesForClient(Map<String, String> env, long uid) {
        LinkedHashSet<Path> out = new LinkedHashSet<>();
        out.add(forProxy(env, uid));
        out.add(SERVICE_DIRECTORY.resolve(FILE_NAME));
        out.add(userPath(env, uid));
        return new ArrayList<>(out);
    }

    private static OptionalLong serviceDirectoryOwner() {
        try {
            Object uid = Files.getAttribute(SERVICE_DIRECTORY, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return OptionalLong.of(Integer.toUnsignedLong((Integer) uid));
        } catch (IOException | UnsupportedOperationException e) {
            return OptionalLong.empty();
        }
    }

    private static Path userPath(Map<String, String> env, long uid) {
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "bip324-proxy", FILE_NAME);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "bip324-proxy-" + uid, FILE_NAME);
    }
}
