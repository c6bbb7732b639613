package org.bip324proxy.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bip324proxy.engine.Socks5Config;
import org.bip324proxy.socks5.Socks5Users;
import picocli.CommandLine.Option;

/** Options of the SOCKS5 front door (clients name their destination) and the upstream SOCKS5 proxy. */
final class Socks5Options {
    @Option(names = "--socks5", paramLabel = "HOST:PORT", split = ",",
            description = "Also accept SOCKS5 clients here (RFC 1928, CONNECT only; e.g. 127.0.0.1:1325 for "
                    + "'bitcoind -proxy=127.0.0.1:1325 -v2transport=0'); repeatable, IPv6 as [ADDR]:PORT. Needs no "
                    + "root and no redirect rules. A non-loopback address lets other hosts use the proxy: add "
                    + "--socks5-auth. Default: none.")
    List<String> listen = new ArrayList<>();

    @Option(names = "--socks5-auth", paramLabel = "FILE",
            description = "Require SOCKS5 username/password (RFC 1929) from this file: one USERNAME:PASSWORD per line, "
                    + "'#' comments. Default: none (any client is accepted; credentials it sends are ignored).")
    Path authFile;

    @Option(names = "--socks5-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
            description = "Time for a SOCKS5 client to complete its greeting, authentication and CONNECT request. "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration greetingTimeout;

    @Option(names = "--upstream-socks5", paramLabel = "HOST:PORT",
            description = "Connect to peers through this SOCKS5 proxy, e.g. Tor's 127.0.0.1:9050, with fresh random "
                    + "credentials per connection (a Tor circuit each) and names resolved by that proxy. Default: none.")
    String upstream;

    @Option(names = "--upstream-for", paramLabel = "WHICH", defaultValue = "all",
            description = "Which peer connections use --upstream-socks5: all, or onion (only .onion names from SOCKS5 "
                    + "clients; others connect directly). Default: ${DEFAULT-VALUE}.")
    String upstreamFor;

    /**
     * The engine's SOCKS5 settings.
     *
     * @throws IllegalArgumentException with a one-line message for a bad address, scope or auth file
     */
    Socks5Config config() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String s : listen) {
            addresses.add(HostPort.parse(s));
        }
        Socks5Users users = Socks5Users.ANYONE;
        if (authFile != null) {
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("--socks5-auth needs a --socks5 listener");
            }
            users = readUsers(authFile);
        }
        Optional<Socks5Config.Upstream> up = Optional.empty();
        Socks5Config.Upstream.Scope scope = parseScope(upstreamFor);
        if (upstream != null) {
            up = Optional.of(new Socks5Config.Upstream(HostPort.parse(upstream), scope));
        }
        return new Socks5Config(addresses, users, greetingTimeout, up);
    }

    /** Listeners that other hosts can reach, to be warned about when no auth file guards them. */
    static List<InetSocketAddress> unguarded(Socks5Config config) {
        if (config.users().required()) {
            return List.of();
        }
        return config.listen().stream().filter(a -> !a.getAddress().isLoopbackAddress()).toList();
    }

    private static Socks5Users readUsers(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("--socks5-auth: cannot read " + file + ": " + e.getMessage());
        }
        try {
            return Socks5Users.parse(lines);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--socks5-auth " + file + ": " + e.getMessage());
        }
    }

    private static Socks5Config.Upstream.Scope parseScope(String s) {
        for (Socks5Config.Upstream.Scope scope : Socks5Config.Upstream.Scope.values()) {
            if (scope.cliName().equalsIgnoreCase(s.trim())) {
                return scope;
            }
        }
        throw new IllegalArgumentException("--upstream-for must be all or onion, got '" + s + "'");
    }
}
