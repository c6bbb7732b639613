package org.bip324proxy.install;

import java.nio.file.Path;
import java.util.List;

/** The shell scripts this project ships, relative to the project root. */
final class ShippedScripts {

    static final List<String> ALL = List.of(
            "iptables/bip324-redirect",
            "nftables/bip324-redirect",
            "iptables/redirect-common.sh",
            "systemd/bip324-proxy",
            "systemd/install",
            "systemd/uninstall");

    private ShippedScripts() {
    }

    static Path path(String relative) {
        return Path.of(relative).toAbsolutePath();
    }
}
