package org.bip324proxy.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.engine.EngineConfig;
import org.bip324proxy.engine.GracefulShutdown;
import org.bip324proxy.engine.ProxyServer;
import org.bip324proxy.engine.Socks5Config;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.os.NativeUnavailableException;
import org.bip324proxy.os.ProcessIdentity;
import org.bip324proxy.relay.DestinationPolicy;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.relay.KnownV2Peers;
import org.bip324proxy.relay.SessionSettings;
import org.bip324proxy.relay.V1FallbackPolicy;
import org.bip324proxy.state.KnownV2Persistence;
import org.bip324proxy.v1.Network;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Command line entry point: {@code java -jar bip324-proxy.jar [OPTIONS]} runs the proxy. */
@Command(name = "bip324-proxy",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        subcommands = {StatusCommand.class, SessionsCommand.class, org.bip324proxy.bench.SelftestCommand.class,
            org.bip324proxy.bench.BenchCommand.class, CommandLine.HelpCommand.class},
        description = {
            "Transparent BIP324 proxy: upgrades the outbound P2P connections of Bitcoin clients that only "
                    + "speak the plaintext v1 protocol to encrypted BIP324 (v2) connections, without changing the clients.",
            "",
            "Let the kernel redirect the client's connections here (see iptables/ and nftables/ in the project), "
                    + "e.g. run the client as 'sudo -g redirect_to_bip324-proxy CLIENT'. The proxy finds each "
                    + "connection's real destination (SO_ORIGINAL_DST, else the VERSION message's addr_recv), "
                    + "performs the BIP324 handshake with it and translates every message both ways. "
                    + "Connections that are not v1 are passed through untouched.",
            ""},
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:--help, --version, help",
            "1:could not start (the message says why, e.g. the address is in use)",
            "2:bad command line (the message names the option)",
            "143:stopped by SIGTERM (systemctl stop; 130 after Ctrl-C) once connections drained"},
        footerHeading = "%nFormats:%n",
        footer = {
            "  " + Durations.FORMAT_HELP,
            "  " + Sizes.FORMAT_HELP,
            "",
            "Examples:",
            "  bip324-proxy selftest                   # one BIP324 session on 127.0.0.1, no node needed",
            "  bip324-proxy                            # the defaults",
            "  bip324-proxy --listen 192.168.1.1:1324  # a router's LAN address",
            "  bip324-proxy --network regtest --log-level debug",
            "  bip324-proxy --inbound 0.0.0.0:8333=127.0.0.1:8334  # answer BIP324 for a v1 node on 127.0.0.1:8334",
            "  bip324-proxy status                     # the running proxy's connections",
            "  bip324-proxy help status                # help of one command"})
public final class Main implements Callable<Integer> {
    static final String DEFAULT_REDIRECT_GROUP = ProcessIdentity.REDIRECT_GROUP;

    /** The command line running this command: its error stream is where messages go. */
    @Spec
    CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", split = ",",
            description = "Address to accept redirected connections on; repeatable. IPv6 as [ADDR]:PORT. "
                    + "On a router, add the LAN address (PREROUTING REDIRECT does not reach 127.0.0.1). "
                    + "Default: 127.0.0.1:1324 and [::1]:1324 (IPv6 redirects land on ::1).")
    List<String> listen = new ArrayList<>();

    @Mixin
    SessionOptions session = new SessionOptions();

    @Mixin
    KnownV2Options knownV2Options = new KnownV2Options();

    @Option(names = "--user-agent-suffix", paramLabel = "TEXT",
            description = "Append TEXT to the user agent of the client's VERSION message (kept within 256 bytes). "
                    + "Default: none (VERSION forwarded unchanged).")
    String userAgentSuffix;

    @Mixin
    LimitOptions limits = new LimitOptions();

    @Option(names = "--max-version-size", paramLabel = "SIZE", defaultValue = "4K", converter = Sizes.class,
            description = "Most payload bytes a client's first message (VERSION, normally about 130) may announce; "
                    + "larger ones are refused before they are buffered; 1K to 4000000. Default: ${DEFAULT-VALUE}.")
    int maxVersionSize;

    @Option(names = "--aead", paramLabel = "BACKEND", defaultValue = "auto",
            description = "ChaCha20-Poly1305 implementation: auto (the JDK's, the fastest on every JDK measured and "
                    + "intrinsified from Java 20; Bouncy Castle if the JDK lacks it), jdk, or bouncy-castle. "
                    + "Default: ${DEFAULT-VALUE}.")
    String aead;

    @Option(names = "--redirect-group", paramLabel = "GROUP", defaultValue = DEFAULT_REDIRECT_GROUP,
            description = "The group whose connections the firewall redirects; the proxy refuses to run with it "
                    + "as its primary group (its own connections would loop). Default: ${DEFAULT-VALUE}.")
    String redirectGroup;

    @Mixin
    Socks5Options socks5 = new Socks5Options();

    @Mixin
    InboundOptions inbound = new InboundOptions();

    @Mixin
    ObservabilityOptions observability = new ObservabilityOptions();

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Log line format on stderr: text (key=value) or json. Default: ${DEFAULT-VALUE}.")
    String logFormat;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "Least severe level logged: debug, info, warn or error. Default: ${DEFAULT-VALUE}.")
    String logLevel;

    /**
     * True when this command is the process (started by {@link #main}): it then sets the policy
     * for failures escaping any thread ({@link ExitOnUncaught}); run in-process, it leaves the JVM alone.
     */
    private boolean ownsProcess;

    public static void main(String[] args) {
        Main main = new Main();
        main.ownsProcess = true;
        System.exit(commandLine(main).execute(args));
    }

    static CommandLine commandLine() {
        return commandLine(new Main());
    }

    private static CommandLine commandLine(Main main) {
        CommandLine cl = new CommandLine(main);
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            cmd.getErr().println("bip324-proxy: " + ex.getMessage());
            return 1;
        });
        cl.setParameterExceptionHandler(Main::oneLineUsageError);
        return cl;
    }

    /** A bad command line gets one line naming the problem and where help is, not the whole usage. */
    private static int oneLineUsageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        cmd.getErr().println(name + ": " + ex.getMessage());
        cmd.getErr().println("Try '" + name + " --help' for the options.");
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public Integer call() throws Exception {
        EventLog log;
        SessionSettings settings;
        DestinationPolicy policy;
        EngineConfig config;
        Socks5Config socks5Config;
        KnownV2Peers knownV2;
        try {
            log = new EventLog(System.err, EventLog.Format.parse(logFormat), parseLevel(logLevel));
            knownV2 = knownV2Options.newStore();
            List<Network> accepted = session.networks();
            policy = session.policy(accepted);
            settings = SessionSettings.builder()
                    .networks(accepted)
                    .destinationMode(session.destinationMode())
                    .v1Fallback(new V1FallbackPolicy(session.fallbackMode(), knownV2))
                    .userAgentSuffix(Optional.ofNullable(userAgentSuffix))
                    .aeadBackend(parseAead(aead))
                    .destinationPolicy(policy)
                    .maxVersionSize(maxVersionSize)
                    .build();
            EngineConfig.Builder engine = limits.applyTo(EngineConfig.builder()
                    .listen(listenAddresses(log))
                    .tproxy(settings.destinationMode() == SessionSettings.DestinationMode.TPROXY));
            config = engine.build();
            socks5Config = socks5.config();
            inbound.check();
            observability.check();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (ownsProcess) {
            Thread.setDefaultUncaughtExceptionHandler(new ExitOnUncaught(log, ProxyServer::isEngineThread, Runtime.getRuntime()::halt));
        }
        checkNotInRedirectGroup();
        Socks5Options.unguarded(socks5Config).forEach(a -> log.warn("socks5_open").with("address", Endpoints.format(a))
                .with("note", "other hosts can use this SOCKS5 listener: consider --socks5-auth").log());
        KnownV2Persistence saver;
        try {
            saver = knownV2Options.persist(knownV2, log).orElse(null);
        } catch (IOException e) {
            spec.commandLine().getErr().println("bip324-proxy: " + e.getMessage());
            return 1;
        }
        ProxyServer server = new ProxyServer(config, socks5Config, settings, log);
        inbound.addTo(server, settings, log);
        // The control socket and metrics first: a proxy that cannot open them exits before it logs "listening".
        ObservabilityOptions.Running windows;
        try {
            windows = observability.start(() -> server.snapshot(ObservabilityOptions.SNAPSHOT_TIMEOUT), log);
            if (windows.metrics() != null) {
                policy.ownEndpoints().add(new InetSocketAddress(
                        observability.metricsAddress().orElseThrow().getAddress(), windows.metrics().port()));
            }
        } catch (IOException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("bip324-proxy: " + e.getMessage());
            return 1;
        }
        try {
            server.start();
        } catch (IOException e) {
            windows.close();
            spec.commandLine().getErr().println("bip324-proxy: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                new GracefulShutdown(server, log).run(observability.shutdownGrace);
            } catch (InterruptedException e) {
                server.close();
            } finally {
                windows.close();
                if (saver != null) {
                    saver.close();
                }
                stopped.countDown();
            }
        }, "bip324-shutdown"));
        stopped.await();
        return 0;
    }

    private void checkNotInRedirectGroup() {
        try {
            ProcessIdentity.checkNotRedirected(redirectGroup);
        } catch (NativeUnavailableException e) {
            spec.commandLine().getErr().println("bip324-proxy: warning: cannot check the process group ("
                    + e.getMessage() + ")");
        }
    }

    private List<InetSocketAddress> listenAddresses(EventLog log) {
        if (listen.isEmpty()) {
            List<InetSocketAddress> defaults = DefaultListeners.choose(DefaultListeners::ipv6LoopbackWorks);
            if (!defaults.contains(DefaultListeners.IPV6)) {
                log.warn("no_ipv6").with("detail", DefaultListeners.NO_IPV6_NOTICE).log();
            }
            return defaults;
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (String s : listen) {
            out.add(HostPort.parse(s));
        }
        return out;
    }

    static AeadBackend parseAead(String s) {
        return s.equalsIgnoreCase("auto") ? AeadBackend.preferred() : AeadBackend.parse(s);
    }

    static EventLog.Level parseLevel(String s) {
        try {
            return EventLog.Level.valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--log-level must be debug, info, warn or error, got '" + s + "'");
        }
    }

    /** Version from the jar manifest (set by Maven), with the running JDK. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "bip324-proxy " + (v != null ? v : "(development build)"),
                "Java " + Runtime.version() + ", AEAD backend " + AeadBackend.preferred().cliName(),
            };
        }
    }
}
