package org.bip324proxy.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.bip324proxy.testsupport.Cmd;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * systemd/install into a staging root (--root: files only, no users, no systemctl), then
 * {@code systemd-analyze verify} on the installed units, which also checks that their commands
 * exist there. Skipped without systemd-analyze (required under CI=true).
 */
@Tag("system")
class SystemdUnitsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> UNITS = List.of("bip324-proxy.service", "bip324-proxy-redirect.service");
    private static final Path SYSTEM_UNITS = Path.of("/usr/lib/systemd/system");

    @TempDir
    Path root;
    private Path jar;

    @BeforeEach
    void stagedInstall(@TempDir Path build) throws Exception {
        SystemTestSupport.require(SystemTestSupport.tool("systemd-analyze") != null
                && Files.isDirectory(SYSTEM_UNITS), "systemd is not installed (apt-get install systemd)");
        jar = Files.writeString(build.resolve("bip324-proxy.jar"), "stand-in jar");
        install();
        // The targets the units refer to, as regular files (the host's may be symlinks out of root).
        Path targets = Files.createDirectories(root.resolve("usr/lib/systemd/system"));
        try (Stream<Path> files = Files.list(SYSTEM_UNITS)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.toString().endsWith(".target") && Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.copy(f, targets.resolve(f.getFileName()));
                }
            }
        }
    }

    private Cmd.Result verify(String unit) throws IOException {
        return Cmd.run(List.of(SystemTestSupport.tool("systemd-analyze"), "verify", "--root=" + root,
                "/etc/systemd/system/" + unit), null, TIMEOUT);
    }

    @Test
    void everyUnitVerifiesWithoutWarnings() throws Exception {
        for (String unit : UNITS) {
            Cmd.Result r = verify(unit);
            assertEquals(0, r.exitCode(), unit + ": " + r);
            assertEquals("", r.stderr().strip(), unit + " has warnings");
        }
    }

    @Test
    void tproxyRouterModeAddsOnlyCapNetAdminAndTheMatchingOptions() throws Exception {
        Files.delete(root.resolve("etc/default/bip324-proxy"));
        install("--router-iface", "eth1", "--tproxy");
        Path dropIn = root.resolve("etc/systemd/system/bip324-proxy.service.d/tproxy.conf");
        assertTrue(Files.readString(dropIn).contains("AmbientCapabilities=CAP_NET_ADMIN\n"));
        for (String unit : UNITS) {
            Cmd.Result r = verify(unit);
            assertEquals(0, r.exitCode(), unit + ": " + r);
            assertEquals("", r.stderr().strip(), unit + " has warnings");
        }
        String defaults = Files.readString(root.resolve("etc/default/bip324-proxy"));
        assertTrue(defaults.contains("BIP324_REDIRECT_OPTS=\"--router-iface eth1 --tproxy\""), defaults);
        assertTrue(defaults.contains("BIP324_PROXY_OPTS=\"--destination tproxy --listen 0.0.0.0:1324,[::]:1324\""),
                defaults);

        install("--router-iface", "eth1");
        assertFalse(Files.exists(dropIn.getParent()), "the TPROXY drop-in stays after switching back");
    }

    @Test
    void inboundModeAddsCapNetAdminTheInboundListenersAndTheRulesOptions() throws Exception {
        Files.delete(root.resolve("etc/default/bip324-proxy"));
        install("--inbound", "--node-port", "18444");
        Path dropIn = root.resolve("etc/systemd/system/bip324-proxy.service.d/inbound.conf");
        assertTrue(Files.readString(dropIn).contains("AmbientCapabilities=CAP_NET_ADMIN\n"));
        for (String unit : UNITS) {
            Cmd.Result r = verify(unit);
            assertEquals(0, r.exitCode(), unit + ": " + r);
            assertEquals("", r.stderr().strip(), unit + " has warnings");
        }
        String defaults = Files.readString(root.resolve("etc/default/bip324-proxy"));
        assertTrue(defaults.contains("BIP324_REDIRECT_OPTS=\"--inbound --node-port 18444 --inbound-port 1325\""), defaults);
        assertTrue(defaults.contains("BIP324_PROXY_OPTS=\"--inbound 0.0.0.0:1325=127.0.0.1:18444"
                + " --inbound [::]:1325=[::1]:18444 --inbound-transparent\""), defaults);
        assertTrue(Files.isRegularFile(root.resolve("usr/local/lib/bip324-proxy/nftables/bip324-proxy-inbound.nft")));

        install();
        assertFalse(Files.exists(dropIn.getParent()), "the inbound drop-in stays after installing without --inbound");
    }

    private void install(String... options) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(ShippedScripts.path("systemd/install").toString(),
                "--root", root.toString(), "--jar", jar.toString(), "--backend", "nftables"));
        command.addAll(List.of(options));
        Cmd.run(command, null, TIMEOUT).check();
    }

    @Test
    void verifyCatchesABadDirectiveAndAMissingCommand() throws Exception {
        Path unit = root.resolve("etc/systemd/system/bip324-proxy.service");
        Files.writeString(unit, Files.readString(unit).replace("ProtectSystem=strict", "ProtectSystem=bogus"));
        assertTrue(verify("bip324-proxy.service").stderr().contains("bogus"));
        Files.delete(root.resolve("usr/local/lib/bip324-proxy/bip324-redirect"));
        Cmd.Result r = verify("bip324-proxy-redirect.service");
        assertTrue(r.exitCode() != 0 && r.stderr().contains("bip324-redirect"), r.toString());
    }

    @Test
    void installPutsTheJarLauncherScriptsAndUnitsInPlace() throws Exception {
        Path lib = root.resolve("usr/local/lib/bip324-proxy");
        assertEquals("stand-in jar", Files.readString(lib.resolve("bip324-proxy.jar")));
        assertTrue(Files.isExecutable(root.resolve("usr/local/bin/bip324-proxy")));
        assertEquals(Path.of("nftables/bip324-redirect"), Files.readSymbolicLink(lib.resolve("bip324-redirect")));
        for (String f : List.of("iptables/bip324-redirect", "nftables/bip324-redirect",
                "iptables/redirect-common.sh", "nftables/redirect-common.sh",
                "nftables/bip324-proxy.nft", "nftables/bip324-proxy-ipv6.nft", "nftables/bip324-proxy-guard.nft",
                "nftables/bip324-proxy-router.nft", "nftables/bip324-proxy-tproxy.nft",
                "nftables/bip324-proxy-tproxy-ipv6.nft")) {
            assertTrue(Files.isRegularFile(lib.resolve(f)), f);
        }
        assertTrue(Files.readString(root.resolve("etc/default/bip324-proxy"))
                .contains("BIP324_GROUP=redirect_to_bip324-proxy"));
    }

    @Test
    void theProxyUnitIsHardenedAndNeedsTheRules() throws Exception {
        String unit = Files.readString(root.resolve("etc/systemd/system/bip324-proxy.service"));
        for (String line : List.of("User=bip324-proxy", "Group=bip324-proxy", "Restart=on-failure",
                "SuccessExitStatus=143", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                "PrivateTmp=yes", "PrivateDevices=yes", "ProtectKernelTunables=yes", "ProtectKernelModules=yes",
                "ProtectKernelLogs=yes", "ProtectControlGroups=yes", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
                "RestrictNamespaces=yes", "LockPersonality=yes", "SystemCallArchitectures=native",
                "CapabilityBoundingSet=\n", "RuntimeDirectory=bip324-proxy", "StateDirectory=bip324-proxy",
                "Requires=bip324-proxy-redirect.service",
                "Environment=JAVA_TOOL_OPTIONS=-XX:+ExitOnOutOfMemoryError\n")) {
            assertTrue(unit.contains(line), "missing: " + line.strip());
        }
        assertFalse(unit.contains("MemoryDenyWriteExecute=yes"), "the JIT needs W+X memory");
        assertTrue(unit.matches("(?s).*\\nLimitNOFILE=\\d{5,}\\n.*"), "LimitNOFILE should be high");
    }

    /** Issue 15: --purge removed what existed before install; without it, "removed" hid what stayed. */
    @Test
    void uninstallKeepsWhatInstallDidNotCreateAndSaysWhatItKept() throws Exception {
        Cmd.Result help = uninstall("--help");
        assertTrue(help.stdout().contains("Kept unless --purge: /etc/default/bip324-proxy, the user bip324-proxy, "
                + "the redirect group"), help.stdout());

        Cmd.Result plain = uninstall();
        assertTrue(plain.stdout().contains("kept: /etc/default/bip324-proxy (--purge removes what install created)"),
                plain.toString());
        assertTrue(Files.exists(root.resolve("etc/default/bip324-proxy")));

        Path defaults = root.resolve("etc/default/bip324-proxy");
        Files.writeString(defaults, "# the operator's own settings\n");
        Files.delete(root.resolve("var/lib/bip324-proxy/install-record")); // as if it had existed before install
        install();
        Cmd.Result purge = uninstall("--purge");
        assertEquals("# the operator's own settings\n", Files.readString(defaults));
        assertTrue(purge.stdout().contains("kept (not created by install): /etc/default/bip324-proxy"), purge.toString());
        assertFalse(Files.exists(root.resolve("var/lib/bip324-proxy")));
    }

    private Cmd.Result uninstall(String... options) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(ShippedScripts.path("systemd/uninstall").toString(),
                "--root", root.toString()));
        command.addAll(List.of(options));
        Cmd.Result r = Cmd.run(command, null, TIMEOUT);
        assertEquals(0, r.exitCode(), r.toString());
        return r;
    }

    @Test
    void uninstallRemovesTheInstalledFiles() throws Exception {
        Cmd.run(List.of(ShippedScripts.path("systemd/uninstall").toString(), "--root", root.toString(), "--purge"),
                null, TIMEOUT).check();
        for (String gone : List.of("usr/local/lib/bip324-proxy", "usr/local/bin/bip324-proxy",
                "etc/systemd/system/bip324-proxy.service", "etc/systemd/system/bip324-proxy-redirect.service",
                "etc/default/bip324-proxy")) {
            assertFalse(Files.exists(root.resolve(gone)), gone + " is still there");
        }
    }
}
