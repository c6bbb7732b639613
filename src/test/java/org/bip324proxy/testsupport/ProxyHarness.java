package org.bip324proxy.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.bip324proxy.engine.EngineConfig;
import org.bip324proxy.engine.ProxyServer;
import org.bip324proxy.engine.Socks5Config;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.InboundSession;
import org.bip324proxy.relay.InboundSettings;
import org.bip324proxy.relay.SessionSettings;
import org.bip324proxy.relay.V1FallbackPolicy;
import org.bip324proxy.v1.Network;

/**
 * A {@link ProxyServer} running in-process on an ephemeral loopback port, with chosen settings and
 * its log lines collected, for integration tests over real sockets. Build with {@link #builder()},
 * change what the test needs, then {@link Builder#start()}.
 */
public final class ProxyHarness implements AutoCloseable {
    private final ProxyServer server;
    private final LogLines lines = new LogLines();

    private ProxyHarness(EngineConfig config, Socks5Config socks5, SessionSettings settings, List<InboundListener> inbound)
            throws java.io.IOException {
        server = new ProxyServer(config, socks5, settings,
                new EventLog(new PrintStream(lines, true, StandardCharsets.UTF_8), EventLog.Format.TEXT, EventLog.Level.DEBUG));
        for (InboundListener l : inbound) {
            InboundSettings s = new InboundSettings(l.network(), settings.aeadBackend(), settings.rng(), true);
            server.addInbound(l.listen(), (actions, reached) -> new InboundSession(s, l.node(), reached, actions), false);
        }
        server.start();
    }

    /** An inbound listener: strangers on {@code listen} reach the v1 node at {@code node}. */
    private record InboundListener(InetSocketAddress listen, InetSocketAddress node, Network network) {}

    /** Where the i-th inbound listener (in the order added) accepts strangers. */
    public InetSocketAddress inboundAddress(int i) {
        return server.inboundAddresses().get(i);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where clients connect. */
    public InetSocketAddress address() {
        return server.boundAddresses().get(0);
    }

    /** Where SOCKS5 clients connect (the first --socks5 listener). */
    public InetSocketAddress socks5Address() {
        return server.socks5Addresses().get(0);
    }

    public ProxyServer server() {
        return server;
    }

    /** Every log line so far. */
    public List<String> logLines() {
        return lines.snapshot();
    }

    /**
     * Waits for the first log line matching {@code p}.
     *
     * @throws AssertionError with the whole log if none appears within {@code timeout}
     */
    public String awaitLine(Predicate<String> p, Duration timeout) throws InterruptedException {
        return lines.await(p, timeout);
    }

    /** Waits for the connection's {@code close} line (connection ids count from 1). */
    public LogLine awaitClose(long connectionId) throws InterruptedException {
        return awaitEvent("close", connectionId, Duration.ofSeconds(60));
    }

    /** Waits for the first {@code event} line of connection {@code connectionId}. */
    public LogLine awaitEvent(String event, long connectionId, Duration timeout) throws InterruptedException {
        return awaitEvent(event, l -> l.is(event, connectionId), timeout);
    }

    /** Waits for the first {@code event} line that also matches {@code p}. */
    public LogLine awaitEvent(String event, Predicate<LogLine> p, Duration timeout) throws InterruptedException {
        return LogLine.of(awaitLine(text -> {
            LogLine l = LogLine.parse(text);
            return l != null && l.event().equals(event) && p.test(l);
        }, timeout));
    }

    /** The {@code event} lines so far, in order. */
    public List<LogLine> events(String event) {
        return LogLine.events(logLines(), event);
    }

    /** The log so far, one line per line, for assertion messages. */
    public String log() {
        return String.join("\n", logLines());
    }

    @Override
    public void close() {
        server.close();
    }

    /**
     * The engine's and the sessions' own builders with their defaults, changed only where tests
     * need otherwise: a loopback listener, addr_recv destinations allowed to loopback peers
     * ({@link Policies#LOOPBACK}), and the engine settings below.
     */
    public static final class Builder {
        private final EngineConfig.Builder engine = EngineConfig.builder()
                .threads(2) // two event loops whatever the machine, so connections are spread over threads
                .maxConnections(100)
                // Generous on a busy machine; the timeout tests set their own.
                .connectTimeout(Duration.ofSeconds(30))
                .handshakeTimeout(Duration.ofSeconds(30))
                .closeFlushTimeout(Duration.ofSeconds(10))
                .idleTimeout(Duration.ofMinutes(10))
                .queueHighWatermark(1 << 20);
        private final SessionSettings.Builder session = SessionSettings.builder();
        /** Kept for the destination policy, which {@link #start()} builds for these networks. */
        private List<Network> networks = Network.knownNetworks();
        private List<String> allowDestinations = Policies.LOOPBACK;
        private InetAddress listenAddress = InetAddress.getLoopbackAddress();
        private Socks5Config socks5 = Socks5Config.NONE;
        private final List<InboundListener> inbound = new ArrayList<>();

        /** Adds an inbound listener on {@code listen} (port 0: any) for the v1 node at {@code node}. */
        public Builder inbound(InetSocketAddress listen, InetSocketAddress node, Network network) {
            inbound.add(new InboundListener(listen, node, network));
            return this;
        }

        /** SOCKS5 settings; {@link #socks5Listener()} for a plain loopback listener. */
        public Builder socks5(Socks5Config c) {
            socks5 = c;
            return this;
        }

        /** A SOCKS5 listener on an ephemeral loopback port, no auth file, no upstream. */
        public Builder socks5Listener() {
            return socks5(new Socks5Config(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                    org.bip324proxy.socks5.Socks5Users.ANYONE, Socks5Config.DEFAULT_GREETING_TIMEOUT, Optional.empty()));
        }

        public Builder networks(List<Network> n) {
            networks = n;
            session.networks(n);
            return this;
        }

        public Builder destinationMode(SessionSettings.DestinationMode m) {
            session.destinationMode(m);
            return this;
        }

        public Builder v1Fallback(V1FallbackPolicy policy) {
            session.v1Fallback(policy);
            return this;
        }

        public Builder userAgentSuffix(String s) {
            session.userAgentSuffix(Optional.of(s));
            return this;
        }

        public Builder firstMessageTimeout(Duration d) {
            engine.firstMessageTimeout(d);
            return this;
        }

        public Builder handshakeTimeout(Duration d) {
            engine.handshakeTimeout(d);
            return this;
        }

        public Builder idleTimeout(Duration d) {
            engine.idleTimeout(d);
            return this;
        }

        public Builder maxConnections(int n) {
            engine.maxConnections(n);
            return this;
        }

        /** The {@code --allow-destination} entries (replacing the loopback default); none for the default policy. */
        public Builder allowDestinations(String... entries) {
            allowDestinations = List.of(entries);
            return this;
        }

        /** Listen on {@code address} (port chosen by the kernel) instead of loopback. */
        public Builder listenAddress(InetAddress address) {
            listenAddress = address;
            return this;
        }

        /** Event loops (connections are spread over them round-robin, the first one accepts). */
        public Builder threads(int n) {
            engine.threads(n);
            return this;
        }

        /** The sessions' randomness (keys and garbage). */
        public Builder rng(SecureRandom r) {
            session.rng(r);
            return this;
        }

        /** Unset: no per-source limit (tests open many connections from one uid). */
        public Builder maxConnectionsPerSource(int n) {
            engine.maxConnectionsPerSource(n);
            return this;
        }

        public Builder refusalLogInterval(Duration d) {
            engine.refusalLogInterval(d);
            return this;
        }

        public Builder bufferLimit(int bytes) {
            engine.queueHighWatermark(bytes);
            return this;
        }

        public Builder maxVersionSize(int bytes) {
            session.maxVersionSize(bytes);
            return this;
        }

        public ProxyHarness start() throws java.io.IOException {
            SessionSettings settings = session.destinationPolicy(Policies.allowing(networks, allowDestinations)).build();
            EngineConfig config = engine.listen(new InetSocketAddress(listenAddress, 0)).build();
            return new ProxyHarness(config, socks5, settings, inbound);
        }
    }

    /** Collects what the event log prints, split into lines. */
    private static final class LogLines extends OutputStream {
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();
        private final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(current.toString(StandardCharsets.UTF_8));
                current.reset();
                notifyAll();
            } else {
                current.write(b);
            }
        }

        synchronized List<String> snapshot() {
            return List.copyOf(lines);
        }

        synchronized String await(Predicate<String> p, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            int checked = 0;
            while (true) {
                for (; checked < lines.size(); checked++) {
                    if (p.test(lines.get(checked))) {
                        return lines.get(checked);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching log line within " + timeout + "; log:\n" + String.join("\n", lines));
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}
