package org.bip324proxy.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.engine.EngineConfig;
import org.bip324proxy.engine.GracefulShutdown;
import org.bip324proxy.engine.ProxyServer;
import org.bip324proxy.engine.Socks5Config;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.os.HostAddresses;
import org.bip324proxy.os.NativeUnavailableException;
import org.bip324proxy.os.ProcessIdentity;
import org.bip324proxy.relay.AllowedDestination;
import org.bip324proxy.relay.DestinationPolicy;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.relay.KnownV2Peers;
import org.bip324proxy.relay.OwnEndpoints;
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
    /** {@link EngineConfig#DEFAULT_QUEUE_HIGH_WATERMARK} as the user writes it. */
    static final String DEFAULT_BUFFER_LIMIT = "4M";
    static final Duration STATE_SAVE_INTERVAL = Duration.ofSeconds(30);

    /** The command line running this command: its error stream is where messages go. */
    @Spec
    CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", split = ",",
            description = "Address to accept redirected connections on; repeatable. IPv6 as [ADDR]:PORT. "
                    + "On a router, add the LAN address (PREROUTING REDIRECT does not reach 127.0.0.1). "
                    + "Default: 127.0.0.1:1324 and [::1]:1324 (IPv6 redirects land on ::1).")
    List<String> listen = new ArrayList<>();

    @Option(names = "--network", paramLabel = "NETWORK", split = ",", defaultValue = "auto",
            description = "Networks whose clients are accepted, detected from the v1 magic: auto (= mainnet, testnet3, "
                    + "testnet4, signet, regtest), or " + Network.VALID_FORMS + "; repeatable. Default: ${DEFAULT-VALUE}.")
    List<String> networks;

    @Option(names = "--destination", paramLabel = "MODE", defaultValue = "auto",
            description = "Where each connection's real destination comes from: auto (SO_ORIGINAL_DST, else "
                    + "the VERSION's addr_recv), original-dst, addr-recv, or tproxy (the accepted socket's local "
                    + "address). Default: ${DEFAULT-VALUE}.")
    String destination;

    @Option(names = "--allow-destination", paramLabel = "CIDR[:PORTS]",
            description = "Also allow destinations named by the client (VERSION addr_recv, SOCKS5 CONNECT) inside this "
                    + "address range, on these ports (e.g. 127.0.0.1:18444 for a local regtest node, 192.168.1.0/24:8333, "
                    + "[fd00::/8]:8333; without PORTS every port); also lifts the non-loopback-listener rule for them. "
                    + "Repeatable. Default: none (only public addresses on the network's P2P port; addr_recv only on a "
                    + "loopback listener). The proxy's own endpoints are always refused.")
    List<String> allowDestinations = new ArrayList<>();

    @Option(names = "--v1-fallback", paramLabel = "WHEN", arity = "0..1", defaultValue = "prefer-v2",
            fallbackValue = "prefer-v2",
            description = "When a peer that does not answer the BIP324 handshake is reconnected and relayed as plain, "
                    + "UNENCRYPTED v1 (logged loudly; only for redirected destinations, never one named by the client): prefer-v2 (Bitcoin Core's rule: nothing at all received and at "
                    + "least 24 bytes sent; never for a destination known to speak v2, which is refused and logged as "
                    + "downgrade_refused), always (whenever the peer closes, resets or stays silent before its key), "
                    + "or never. Default: ${DEFAULT-VALUE}.")
    String v1Fallback;

    @Option(names = "--require-v2", defaultValue = "false",
            description = "No plain v1 fallback at all (the same as --v1-fallback=never). Default: false.")
    boolean requireV2;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Directory where the proxy keeps the destinations known to speak v2 (file "
                    + KnownV2Persistence.FILE_NAME + "). Default: $STATE_DIRECTORY if set (systemd's StateDirectory, "
                    + "/var/lib/bip324-proxy), else none (kept in memory only).")
    Path stateDir;

    @Option(names = "--known-v2-max", paramLabel = "N", defaultValue = "10000",
            description = "Most destinations remembered as speaking v2 after a handshake, and apart as many "
                    + "advertised (bit 11) ones; about 200 bytes each, the least recently used forgotten first. "
                    + "Default: ${DEFAULT-VALUE}.")
    int knownV2Max;

    @Option(names = "--user-agent-suffix", paramLabel = "TEXT",
            description = "Append TEXT to the user agent of the client's VERSION message (kept within 256 bytes). "
                    + "Default: none (VERSION forwarded unchanged).")
    String userAgentSuffix;

    @Option(names = "--first-message-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = Durations.class,
            description = "Time for the client to send its first complete message. Default: ${DEFAULT-VALUE}.")
    Duration firstMessageTimeout;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
            description = "Time to connect to the destination. Default: ${DEFAULT-VALUE}.")
    Duration connectTimeout;

    @Option(names = "--handshake-timeout", paramLabel = "DURATION", defaultValue = "20s", converter = Durations.class,
            description = "Time from connecting until the peer completes the BIP324 handshake (v1-only peers "
                    + "may never answer). Default: ${DEFAULT-VALUE}.")
    Duration handshakeTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "30m", converter = Durations.class,
            description = "Close a relayed connection after this long without traffic either way "
                    + "(Bitcoin nodes ping every 2 minutes). Default: ${DEFAULT-VALUE}.")
    Duration idleTimeout;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + EngineConfig.DEFAULT_MAX_CONNECTIONS,
            description = "Most client connections at once; more are closed on arrival. Default: ${DEFAULT-VALUE}.")
    int maxConnections;

    @Option(names = "--max-connections-per-source", paramLabel = "N",
            defaultValue = "" + EngineConfig.DEFAULT_MAX_CONNECTIONS_PER_SOURCE,
            description = "Most client connections at once from one source: a local user (by uid, from the "
                    + "kernel's socket table) or else one client IP address; more are closed on arrival. Refusals "
                    + "are logged once in full, then summarised every 10 s. Default: ${DEFAULT-VALUE}.")
    int maxConnectionsPerSource;

    @Option(names = "--threads", paramLabel = "N",
            description = "Event-loop threads, and as many threads that hash the checksums of large (>= 64 KiB) "
                    + "messages. Default: the number of CPUs.")
    Integer threads;

    @Option(names = "--buffer-limit", paramLabel = "SIZE", defaultValue = DEFAULT_BUFFER_LIMIT, converter = Sizes.class,
            description = "Heap held by the queue towards one socket (payload, buffer room and overhead) above which "
                    + "the other side is no longer read (backpressure; one message may exceed it); 1K to 1G. "
                    + "Default: ${DEFAULT-VALUE}.")
    int bufferLimit;

    @Option(names = "--memory-budget", paramLabel = "SIZE", converter = Sizes.class,
            description = "Heap all connections together may hold in queues and partial messages; at this much "
                    + "the proxy stops reading until writes free some (docs/DESIGN.md has the formula); 1K to 1G. "
                    + "Default: half the JVM's maximum heap (-Xmx).")
    Integer memoryBudget;

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
            if (knownV2Max < 1 || knownV2Max > 1_000_000) {
                throw new IllegalArgumentException("--known-v2-max must be 1..1000000, got " + knownV2Max);
            }
            knownV2 = new KnownV2Peers(knownV2Max);
            List<Network> accepted = parseNetworks(networks);
            policy = new DestinationPolicy(accepted, allowDestinations.stream().map(AllowedDestination::parse).toList(),
                    new OwnEndpoints(HostAddresses::isHostAddress));
            settings = SessionSettings.builder()
                    .networks(accepted)
                    .destinationMode(parseDestination(destination))
                    .v1Fallback(new V1FallbackPolicy(fallbackMode(), knownV2))
                    .userAgentSuffix(Optional.ofNullable(userAgentSuffix))
                    .aeadBackend(parseAead(aead))
                    .destinationPolicy(policy)
                    .maxVersionSize(maxVersionSize)
                    .build();
            EngineConfig.Builder engine = EngineConfig.builder()
                    .listen(listenAddresses(log))
                    .tproxy(settings.destinationMode() == SessionSettings.DestinationMode.TPROXY)
                    .maxConnections(maxConnections)
                    .maxConnectionsPerSource(maxConnectionsPerSource)
                    .firstMessageTimeout(firstMessageTimeout)
                    .connectTimeout(connectTimeout)
                    .handshakeTimeout(handshakeTimeout)
                    .idleTimeout(idleTimeout)
                    .queueHighWatermark(bufferLimit);
            if (threads != null) {
                engine.threads(threads);
            }
            if (memoryBudget != null) {
                engine.memoryBudget(memoryBudget);
            }
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
        Optional<Path> dir = stateDirectory();
        KnownV2Persistence state = null;
        if (dir.isPresent()) {
            try {
                state = new KnownV2Persistence(dir.get(), knownV2, STATE_SAVE_INTERVAL, log);
            } catch (IOException e) {
                spec.commandLine().getErr().println("bip324-proxy: " + e.getMessage());
                return 1;
            }
        } else {
            log.info("known_v2_in_memory").with("note", "no --state-dir: destinations known to speak v2 are "
                    + "forgotten at exit").log();
        }
        KnownV2Persistence saver = state;
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

    V1FallbackPolicy.Mode fallbackMode() {
        V1FallbackPolicy.Mode mode = null;
        for (V1FallbackPolicy.Mode m : V1FallbackPolicy.Mode.values()) {
            if (m.cliName().equalsIgnoreCase(v1Fallback.trim())) {
                mode = m;
            }
        }
        if (mode == null) {
            throw new IllegalArgumentException("--v1-fallback must be prefer-v2, always or never, got '" + v1Fallback + "'");
        }
        if (requireV2 && mode == V1FallbackPolicy.Mode.ALWAYS) {
            throw new IllegalArgumentException("--require-v2 cannot be combined with --v1-fallback=always");
        }
        return requireV2 ? V1FallbackPolicy.Mode.REQUIRE_V2 : mode;
    }

    private Optional<Path> stateDirectory() {
        if (stateDir != null) {
            return Optional.of(stateDir);
        }
        String systemd = System.getenv("STATE_DIRECTORY"); // may list several, separated by ':'
        return systemd == null || systemd.isEmpty() ? Optional.empty() : Optional.of(Path.of(systemd.split(":")[0]));
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

    static List<Network> parseNetworks(List<String> specs) {
        Set<Network> out = new LinkedHashSet<>();
        for (String s : specs) {
            if (s.equalsIgnoreCase("auto")) {
                out.addAll(Network.knownNetworks());
            } else {
                out.add(Network.parse(s));
            }
        }
        return List.copyOf(out);
    }

    static SessionSettings.DestinationMode parseDestination(String s) {
        for (SessionSettings.DestinationMode m : SessionSettings.DestinationMode.values()) {
            if (m.cliName().equalsIgnoreCase(s.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("--destination must be auto, original-dst, addr-recv or tproxy, got '" + s + "'");
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
