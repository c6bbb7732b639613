package org.bip324proxy.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.DestinationPolicy;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.relay.SessionSettings;

/**
 * The proxy: listening sockets, a few event-loop threads, and one {@link Connection} per client.
 * Its parts: {@link ListenerSockets} (binding), the {@link Acceptor} (accepting on the first loop,
 * the connection caps, spreading connections over the loops round-robin), {@link Handovers} (what
 * each listener makes of a socket), {@link EventLoops} (the loops and their connections: snapshots,
 * closing them all) and the {@link MemoryBudget}. This class starts them and is the owner its
 * connections and SOCKS5 clients see, through {@link ConnectionHost} and {@link Socks5FrontHost}.
 */
public final class ProxyServer implements AutoCloseable, ConnectionHost, Socks5FrontHost {
    /** Event-loop threads are named this plus their index. */
    public static final String LOOP_THREAD_PREFIX = "bip324-loop-";
    /** Checksum worker threads ({@link ChecksumWorkers}) are named this plus their index. */
    public static final String CHECKSUM_THREAD_PREFIX = "bip324-checksum-";

    /** True for the engine's own threads (event loops, checksum workers): the proxy cannot serve without them. */
    public static boolean isEngineThread(Thread t) {
        return t.getName().startsWith(LOOP_THREAD_PREFIX) || t.getName().startsWith(CHECKSUM_THREAD_PREFIX);
    }

    private final EngineConfig config;
    private final Socks5Config socks5;
    private final SessionSettings settings;
    private final EventLog log;
    private final ListenerSockets listeners;
    private final List<ListenerSockets.Bound> redirect = new ArrayList<>();
    private final List<ListenerSockets.Bound> socks = new ArrayList<>();
    /** Listeners added with {@link #addInbound}, bound in {@link #start()}. */
    private final List<InboundListener> inbound = new ArrayList<>();
    private final List<ListenerSockets.Bound> strangers = new ArrayList<>();
    private final Acceptor acceptor;
    private final EventLoops loops = new EventLoops();
    private final MemoryBudget memory;
    private final Handovers handovers;
    private long startedAt;
    private ChecksumWorkers checksumWorkers;
    private Resolver resolver;

    /**
     * @param settings session settings; the bound listener addresses are added to its destination
     *     policy's own endpoints, so a destination equal to the proxy itself is never dialled
     */
    public ProxyServer(EngineConfig config, SessionSettings settings, EventLog log) {
        this(config, Socks5Config.NONE, settings, log);
    }

    /** A proxy that also serves SOCKS5 clients and/or reaches peers through an upstream SOCKS5 proxy. */
    public ProxyServer(EngineConfig config, Socks5Config socks5, SessionSettings settings, EventLog log) {
        this.config = config;
        this.socks5 = socks5;
        this.log = log;
        this.settings = settings;
        this.listeners = new ListenerSockets(settings.destinationPolicy().ownEndpoints());
        this.acceptor = new Acceptor(config, log);
        this.memory = new MemoryBudget(config.memoryBudget(), log);
        this.handovers = new Handovers(config, settings, log, loops, this, this);
    }

    /**
     * Before {@link #start()}: also listen on {@code address} for strangers reaching the operator's
     * node (inbound mode); each connection accepted there gets the session {@code sessions} makes.
     * With {@code transparent}, the node is dialled from each stranger's own address (IP_TRANSPARENT,
     * CAP_NET_ADMIN; the node's replies need a policy route back to this host).
     */
    public void addInbound(InetSocketAddress address, SessionFactory sessions, boolean transparent) {
        if (loops.created()) {
            throw new IllegalStateException("inbound listeners are added before start()");
        }
        inbound.add(new InboundListener(address, sessions, transparent));
    }

    private record InboundListener(InetSocketAddress address, SessionFactory sessions, boolean transparent) {}

    /**
     * Binds every listening address and starts the loops.
     *
     * @throws IOException with a message naming the address when one cannot be bound
     */
    public void start() throws IOException {
        try {
            for (InetSocketAddress address : config.listen()) {
                redirect.add(listeners.bind(address, config.tproxy(), "--listen"));
            }
            for (InetSocketAddress address : socks5.listen()) {
                socks.add(listeners.bind(address, false, "--socks5"));
            }
            for (InboundListener l : inbound) {
                if (l.transparent()) {
                    ListenerSockets.checkTransparentDialing();
                }
                strangers.add(listeners.bind(l.address(), false, "--inbound"));
            }
        } catch (IOException e) {
            listeners.closeAll();
            throw e;
        }
        checksumWorkers = new ChecksumWorkers(config.threads(), CHECKSUM_THREAD_PREFIX);
        resolver = new Resolver();
        loops.create(config.threads(), LOOP_THREAD_PREFIX);
        acceptor.serveOn(loops.all());
        for (ListenerSockets.Bound b : redirect) {
            acceptor.register(b.channel(), handovers.redirect(b.kind()));
        }
        for (ListenerSockets.Bound b : socks) {
            acceptor.register(b.channel(), handovers.socks5(b.kind()));
        }
        for (int i = 0; i < strangers.size(); i++) {
            InboundListener l = inbound.get(i);
            acceptor.register(strangers.get(i).channel(), handovers.inbound(strangers.get(i).kind(), l.sessions(), l.transparent()));
        }
        startedAt = System.nanoTime();
        loops.start();
        log.info("listening").with("addresses", joined(redirect))
                .with("threads", config.threads()).with("aead", settings.aeadBackend().cliName())
                .with("networks", String.join(",", settings.networks().stream().map(n -> n.name()).toList()))
                .with("destination", settings.destinationMode().cliName())
                .with("v1_fallback", settings.v1Fallback().mode().cliName())
                .with("socks5", socks.isEmpty() ? null : joined(socks))
                .with("socks5_auth", socks.isEmpty() ? null : socks5.users().required() ? "users" : "none")
                .with("upstream_socks5", socks5.upstream().map(u -> Endpoints.format(u.address()) + " for " + u.scope().cliName()).orElse(null))
                .with("inbound", strangers.isEmpty() ? null : joined(strangers))
                .log();
    }

    private static List<InetSocketAddress> addresses(List<ListenerSockets.Bound> bound) {
        return bound.stream().map(ListenerSockets.Bound::address).toList();
    }

    private static String joined(List<ListenerSockets.Bound> bound) {
        return String.join(",", addresses(bound).stream().map(Endpoints::format).toList());
    }

    /**
     * Why the proxy must not connect to {@code target} (a SOCKS5 CONNECT target, or the address
     * its name resolved to), if it must not: the destination policy, plus the rule that .onion
     * names need an upstream proxy that carries them.
     */
    @Override
    public Optional<String> destinationRefusal(InetSocketAddress target, DestinationPolicy.Listener listener) {
        if (target.isUnresolved() && Socks5Config.isOnion(target) && upstreamFor(target).isEmpty()) {
            return Optional.of(".onion destinations are only reachable through --upstream-socks5 (e.g. Tor)");
        }
        DestinationPolicy.Verdict v = settings.destinationPolicy().check(new Destination(target, Destination.Source.SOCKS5),
                Optional.empty(), listener);
        return v.allowed() ? Optional.empty()
                : Optional.of(Endpoints.format(target) + " refused (rule " + v.rule().logName() + "): " + v.reason());
    }

    @Override
    public void connect(Socks5Front front, SocketChannel client, InetSocketAddress clientAddress,
            DestinationPolicy.Listener listener, Socks5Handover handover) throws IOException {
        handovers.socks5Connected(front, client, clientAddress, listener, handover);
    }

    @Override
    public void frontClosed(Socks5Front f) {
        acceptor.release(f.id());
        loops.connectionsOf(f.loop()).removeFront(f);
    }

    /** Called on the connection's own loop thread, which alone touches that loop's set. */
    @Override
    public void connectionClosed(Connection c) {
        acceptor.release(c.id());
        loops.connectionsOf(c.loop()).remove(c);
    }

    /**
     * Live connections and totals since start. Each loop contributes its part on its own thread;
     * after {@link #close()} the parts are read directly.
     *
     * @throws TimeoutException if a loop does not answer in time (it is stuck or has died)
     */
    public ProxySnapshot snapshot(Duration timeout) throws TimeoutException, InterruptedException {
        long now = System.nanoTime();
        return ProxySnapshot.combine((now - startedAt) / 1_000_000, addresses(redirect).stream().map(Endpoints::format).toList(),
                loops.snapshots(now, timeout), settings.v1Fallback().counts());
    }

    /** Closes the listening sockets (see {@link ListenerSockets#stopAccepting}): live connections go on. */
    void stopAccepting() throws InterruptedException {
        listeners.stopAccepting(loops.all().get(0), log);
    }

    /** Asks every live connection to close (flushing what is queued), each on its own loop. */
    void closeAllConnections() {
        loops.closeAllConnections();
    }

    @Override
    public void heldBytesChanged(long delta, long connectionTotal) {
        memory.changed(delta, connectionTotal);
    }

    @Override
    public boolean overMemoryBudget() {
        return memory.reached();
    }

    /** The addresses actually bound (with the real port when 0 was asked for). */
    public List<InetSocketAddress> boundAddresses() {
        return addresses(redirect);
    }

    /** The inbound listeners' addresses actually bound, in the order added. */
    public List<InetSocketAddress> inboundAddresses() {
        return addresses(strangers);
    }

    /** The SOCKS5 listeners' addresses actually bound. */
    public List<InetSocketAddress> socks5Addresses() {
        return addresses(socks);
    }

    /** Connections currently open. */
    public int activeConnections() {
        return acceptor.active();
    }

    /**
     * Heap all connections hold now in outbound queues and partial messages, as
     * {@link OutboundQueue#memory()} and {@link org.bip324proxy.relay.ProxySession#bufferedBytes()} count it.
     */
    public long heldBytes() {
        return memory.held();
    }

    /**
     * The most one connection has held (both directions) since start: bounded by the buffer limit
     * plus what one read can complete (backpressure); docs/DESIGN.md has the formula.
     */
    public long peakHeldBytes() {
        return memory.peakPerConnection();
    }

    @Override
    public ChecksumWorkers checksumWorkers() {
        return checksumWorkers;
    }

    @Override
    public Resolver resolver() {
        return resolver;
    }

    @Override
    public Optional<Socks5Config.Upstream> upstreamFor(InetSocketAddress target) {
        return socks5.upstream().filter(u -> u.carries(target));
    }

    @Override
    public SecureRandom rng() {
        return settings.rng();
    }

    @Override
    public Socks5Config socks5() {
        return socks5;
    }

    @Override
    public EngineConfig config() {
        return config;
    }

    @Override
    public EventLog log() {
        return log;
    }

    /** Stops accepting and stops the loops (open connections are dropped). */
    @Override
    public void close() {
        listeners.closeAll();
        loops.shutdown();
        if (checksumWorkers != null) {
            checksumWorkers.close(); // a job still submitted runs on its loop instead
        }
        if (resolver != null) {
            resolver.close();
        }
        loops.join();
    }
}
