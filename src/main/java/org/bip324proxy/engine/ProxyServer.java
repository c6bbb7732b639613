package org.bip324proxy.engine;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.os.ErrnoException;
import org.bip324proxy.os.HostAddresses;
import org.bip324proxy.os.ListenerOptions;
import org.bip324proxy.os.OriginalDestination;
import org.bip324proxy.os.SocketOwners;
import org.bip324proxy.relay.AddressClass;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.DestinationPolicy;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.relay.ProxySession;
import org.bip324proxy.relay.SessionSettings;

/**
 * The proxy: listening sockets, a few event-loop threads, and one {@link Connection} per client.
 * The first loop also accepts; accepted sockets are spread over the loops round-robin.
 */
public final class ProxyServer implements AutoCloseable, ConnectionHost {
    /** Event-loop threads are named this plus their index. */
    public static final String LOOP_THREAD_PREFIX = "bip324-loop-";
    /** Checksum worker threads ({@link ChecksumWorkers}) are named this plus their index. */
    public static final String CHECKSUM_THREAD_PREFIX = "bip324-checksum-";
    private static final int BACKLOG = 1024;

    /** True for the engine's own threads (event loops, checksum workers): the proxy cannot serve without them. */
    public static boolean isEngineThread(Thread t) {
        return t.getName().startsWith(LOOP_THREAD_PREFIX) || t.getName().startsWith(CHECKSUM_THREAD_PREFIX);
    }
    private static final long ACCEPT_PAUSE_NANOS = 200_000_000L;

    private final EngineConfig config;
    private final Socks5Config socks5;
    private final SessionSettings settings;
    private final EventLog log;
    private final List<EventLoop> loops = new ArrayList<>();
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final List<ServerSocketChannel> socks5Listeners = new ArrayList<>();
    private final List<InetSocketAddress> bound = new ArrayList<>();
    private final List<InetSocketAddress> socks5Bound = new ArrayList<>();
    /** Listeners added with {@link #addInbound}, bound in {@link #start()}. */
    private final List<InboundListener> inbound = new ArrayList<>();
    private final List<ServerSocketChannel> inboundListeners = new ArrayList<>();
    private final List<InetSocketAddress> inboundBound = new ArrayList<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicLong heldBytes = new AtomicLong();
    private final AtomicLong peakHeldBytes = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean overBudget = new java.util.concurrent.atomic.AtomicBoolean();
    private final Map<EventLoop, LoopConnections> loopConnections = new IdentityHashMap<>();
    private long startedAt;
    private volatile boolean stopped;
    private int nextLoop;
    private final AcceptPause acceptPause = new AcceptPause(ACCEPT_PAUSE_NANOS);
    private ChecksumWorkers checksumWorkers;
    private Resolver resolver;
    private final SourceLimits sourceLimits;
    private final RefusalLog refusals;
    /** The source (see {@link #sourceOf}) of each live connection, by id, to return its slot. */
    private final Map<Long, String> sources = new ConcurrentHashMap<>();

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
        this.sourceLimits = new SourceLimits(config.maxConnectionsPerSource());
        this.refusals = new RefusalLog(log, config.refusalLogInterval().toNanos());
    }

    /**
     * Before {@link #start()}: also listen on {@code address} for strangers reaching the operator's
     * node (inbound mode); each connection accepted there gets the session {@code sessions} makes.
     * With {@code transparent}, the node is dialled from each stranger's own address (IP_TRANSPARENT,
     * CAP_NET_ADMIN; the node's replies need a policy route back to this host).
     */
    public void addInbound(InetSocketAddress address, SessionFactory sessions, boolean transparent) {
        if (!loops.isEmpty()) {
            throw new IllegalStateException("inbound listeners are added before start()");
        }
        inbound.add(new InboundListener(address, sessions, transparent));
    }

    private record InboundListener(InetSocketAddress address, SessionFactory sessions, boolean transparent) {}

    /**
     * What a listener does with a socket it accepted once the limits let it in; runs on the loop
     * that will serve the connection.
     */
    @FunctionalInterface
    private interface Handover {
        void open(long id, EventLoop loop, SocketChannel ch, InetSocketAddress client) throws IOException;
    }

    /**
     * Binds every listening address and starts the loops.
     *
     * @throws IOException with a message naming the address when one cannot be bound
     */
    public void start() throws IOException {
        try {
            for (InetSocketAddress address : config.listen()) {
                listeners.add(bind(address, config.tproxy(), bound, "--listen"));
            }
            for (InetSocketAddress address : socks5.listen()) {
                socks5Listeners.add(bind(address, false, socks5Bound, "--socks5"));
            }
            for (InboundListener l : inbound) {
                if (l.transparent()) {
                    checkTransparentDialing();
                }
                inboundListeners.add(bind(l.address(), false, inboundBound, "--inbound"));
            }
        } catch (IOException e) {
            closeListeners();
            throw e;
        }
        checksumWorkers = new ChecksumWorkers(config.threads(), CHECKSUM_THREAD_PREFIX);
        resolver = new Resolver();
        for (int i = 0; i < config.threads(); i++) {
            EventLoop loop = new EventLoop(LOOP_THREAD_PREFIX + i);
            LoopConnections connections = new LoopConnections();
            loop.onTick(now -> {
                connections.live().forEach(c -> c.onTick(now));
                connections.fronts().forEach(f -> f.onTick(now));
            });
            loops.add(loop);
            loopConnections.put(loop, connections);
        }
        EventLoop acceptLoop = loops.get(0);
        for (int i = 0; i < listeners.size(); i++) {
            DestinationPolicy.Listener kind = DestinationPolicy.Listener.boundTo(bound.get(i).getAddress());
            register(acceptLoop, listeners.get(i), (id, loop, ch, client) -> {
                Optional<Destination> redirect = redirectDestination(id, ch);
                loopConnections.get(loop).add(new Connection(id, loop, this, ch, client,
                        (actions, reached) -> new ProxySession(settings, actions, redirect, kind), redirect, Optional.empty(), kind,
                        Optional.empty()));
            });
        }
        for (int i = 0; i < socks5Listeners.size(); i++) {
            DestinationPolicy.Listener kind = DestinationPolicy.Listener.boundTo(socks5Bound.get(i).getAddress());
            register(acceptLoop, socks5Listeners.get(i), (id, loop, ch, client) ->
                    loopConnections.get(loop).addFront(new Socks5Front(id, loop, this, ch, client, kind)));
        }
        for (int i = 0; i < inboundListeners.size(); i++) {
            DestinationPolicy.Listener kind = DestinationPolicy.Listener.boundTo(inboundBound.get(i).getAddress());
            InboundListener l = inbound.get(i);
            register(acceptLoop, inboundListeners.get(i), (id, loop, ch, client) -> loopConnections.get(loop)
                    .add(new Connection(id, loop, this, ch, client, l.sessions(), Optional.empty(), Optional.empty(), kind,
                            l.transparent() ? Optional.of(client.getAddress()) : Optional.empty())));
        }
        acceptLoop.onTick(acceptPause::resumeIfDue);
        acceptLoop.onTick(refusals::tick);
        startedAt = System.nanoTime();
        loops.forEach(EventLoop::start);
        log.info("listening").with("addresses", String.join(",", bound.stream().map(Endpoints::format).toList()))
                .with("threads", config.threads()).with("aead", settings.aeadBackend().cliName())
                .with("networks", String.join(",", settings.networks().stream().map(n -> n.name()).toList()))
                .with("destination", settings.destinationMode().cliName())
                .with("v1_fallback", settings.v1Fallback().mode().cliName())
                .with("socks5", socks5Bound.isEmpty() ? null : String.join(",", socks5Bound.stream().map(Endpoints::format).toList()))
                .with("socks5_auth", socks5Bound.isEmpty() ? null : socks5.users().required() ? "users" : "none")
                .with("upstream_socks5", socks5.upstream().map(u -> Endpoints.format(u.address()) + " for " + u.scope().cliName()).orElse(null))
                .with("inbound", inboundBound.isEmpty() ? null : String.join(",", inboundBound.stream().map(Endpoints::format).toList()))
                .log();
    }

    /** Fails at startup, not at the first stranger, when IP_TRANSPARENT is not allowed. */
    private static void checkTransparentDialing() throws IOException {
        try (SocketChannel probe = SocketChannel.open()) {
            ListenerOptions.transparent(probe);
        } catch (ErrnoException e) {
            throw new IOException(e.getMessage() + ": --inbound-transparent needs CAP_NET_ADMIN "
                    + "(run as root, or give the service AmbientCapabilities=CAP_NET_ADMIN)", e);
        }
    }

    private void register(EventLoop acceptLoop, ServerSocketChannel listener, Handover handover) throws IOException {
        acceptPause.add(listener.register(acceptLoop.selector(), SelectionKey.OP_ACCEPT,
                (EventLoop.Handler) key -> accept(listener, handover)));
    }

    /** @param option the command-line option that asked for this address, named when it is taken */
    private ServerSocketChannel bind(InetSocketAddress address, boolean tproxy, List<InetSocketAddress> boundTo,
            String option) throws IOException {
        boolean v6 = address.getAddress() instanceof Inet6Address;
        ServerSocketChannel ch;
        try {
            ch = ServerSocketChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        } catch (UnsupportedOperationException e) { // the JVM has no IPv6 (kernel without it, preferIPv4Stack)
            throw new IOException("cannot listen on " + Endpoints.format(address) + ": " + e.getMessage(), e);
        }
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (v6) {
                ListenerOptions.ipv6Only(ch); // IPv4 gets its own listener
            }
            if (tproxy) {
                try {
                    ListenerOptions.transparent(ch);
                } catch (ErrnoException e) {
                    throw new IOException(e.getMessage() + ": --destination tproxy needs CAP_NET_ADMIN "
                            + "(run as root, or give the service AmbientCapabilities=CAP_NET_ADMIN)", e);
                }
            }
            ch.bind(address, BACKLOG);
            ch.configureBlocking(false);
            InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
            boundTo.add(local);
            settings.destinationPolicy().ownEndpoints().add(local);
            return ch;
        } catch (BindException e) {
            ch.close();
            throw new BindException("cannot listen on " + Endpoints.format(address) + ": " + e.getMessage()
                    + " (another bip324-proxy running? choose another " + option + " address)");
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot listen on " + Endpoints.format(address) + ": " + e.getMessage(), e);
        }
    }

    private void accept(ServerSocketChannel listener, Handover handover) {
        while (true) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (IOException e) {
                // Typically EMFILE/ENFILE: back off instead of spinning on a readable listener.
                log.warn("accept_failed").with("error", ErrorText.of(e))
                        .with("action", "pausing accepts for " + acceptPause.pauseMillis() + " ms").log();
                acceptPause.pause(System.nanoTime());
                return;
            }
            if (ch == null) {
                return;
            }
            handOver(ch, handover);
        }
    }

    private void handOver(SocketChannel ch, Handover handover) {
        long id = nextId.getAndIncrement();
        InetSocketAddress clientAddress;
        String source = null;
        try {
            clientAddress = (InetSocketAddress) ch.getRemoteAddress();
            if (active.get() >= config.maxConnections()) {
                refuse(ch, id, clientAddress, "ip " + clientAddress.getAddress().getHostAddress(), "max-connections",
                        "max connections (" + config.maxConnections() + ") reached");
                return;
            }
            source = sourceOf(clientAddress);
            if (!sourceLimits.tryAcquire(source)) {
                refuse(ch, id, clientAddress, source, "max-connections-per-source", "max connections per source ("
                        + sourceLimits.perSource() + ") reached for " + source + " (--max-connections-per-source)");
                return;
            }
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            log.warn("accept_failed").with("conn", id).with("error", ErrorText.of(e)).log();
            if (source != null) {
                sourceLimits.release(source);
            }
            closeQuietly(ch);
            return;
        }
        sources.put(id, source);
        active.incrementAndGet();
        int index = nextLoop++ % loops.size();
        EventLoop loop = loops.get(index);
        loop.execute(() -> {
            try {
                handover.open(id, loop, ch, clientAddress);
            } catch (IOException | RuntimeException | Error e) {
                if (EventLoop.isFatal(e)) {
                    throw (Error) e;
                }
                active.decrementAndGet();
                sourceLimits.release(sources.remove(id));
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing to add
                }
                log.warn("accept_failed").with("conn", id).with("error", e instanceof IOException io
                        ? ErrorText.of(io) : "internal error: " + e).log();
            }
        });
    }

    private void refuse(SocketChannel ch, long id, InetSocketAddress client, String source, String rule, String detail) {
        refusals.refused(System.nanoTime(), id, Endpoints.format(client), source, rule, detail);
        closeQuietly(ch);
    }

    /**
     * Who a client is, for {@code --max-connections-per-source}: a process on this host by its
     * uid (the owner of the socket at the client's address, see {@link SocketOwners}); anyone
     * else, or when the kernel does not tell, by its IP address.
     */
    private static String sourceOf(InetSocketAddress client) {
        InetAddress ip = AddressClass.canonical(client.getAddress());
        if (HostAddresses.isHostAddress(ip)) {
            OptionalLong uid = SocketOwners.uidOf(client);
            if (uid.isPresent()) {
                return "uid " + uid.getAsLong();
            }
        }
        return "ip " + ip.getHostAddress();
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to add
        }
    }

    private Optional<Destination> redirectDestination(long id, SocketChannel ch) throws IOException {
        if (config.tproxy()) {
            return Optional.of(new Destination((InetSocketAddress) ch.getLocalAddress(), Destination.Source.TPROXY));
        }
        try {
            return OriginalDestination.lookup(ch).map(a -> new Destination(a, Destination.Source.SO_ORIGINAL_DST));
        } catch (IOException | RuntimeException e) {
            log.warn("original_dst_failed").with("conn", id).with("error", ErrorText.of(e)).log();
            return Optional.empty();
        }
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

    /** A SOCKS5 client closed or was refused before it became a connection; on its loop thread. */
    void frontClosed(Socks5Front f) {
        active.decrementAndGet();
        sourceLimits.release(sources.remove(f.id()));
        loopConnections.get(f.loop()).removeFront(f);
    }

    LoopConnections loopConnections(EventLoop loop) {
        return loopConnections.get(loop);
    }

    /** Called on the connection's own loop thread, which alone touches that loop's set. */
    @Override
    public void connectionClosed(Connection c) {
        active.decrementAndGet();
        sourceLimits.release(sources.remove(c.id()));
        loopConnections.get(c.loop()).remove(c);
    }

    /**
     * Live connections and totals since start. Each loop contributes its part on its own thread;
     * after {@link #close()} the parts are read directly.
     *
     * @throws TimeoutException if a loop does not answer in time (it is stuck or has died)
     */
    public ProxySnapshot snapshot(Duration timeout) throws TimeoutException, InterruptedException {
        long now = System.nanoTime();
        List<ProxySnapshot> parts = new ArrayList<>();
        if (stopped) {
            loops.forEach(loop -> parts.add(loopConnections.get(loop).snapshot(now)));
        } else {
            List<CompletableFuture<ProxySnapshot>> futures = new ArrayList<>();
            for (EventLoop loop : loops) {
                CompletableFuture<ProxySnapshot> f = new CompletableFuture<>();
                loop.execute(() -> {
                    try {
                        f.complete(loopConnections.get(loop).snapshot(now));
                    } catch (RuntimeException e) {
                        f.completeExceptionally(e); // fails this status request, not the loop
                    }
                });
                futures.add(f);
            }
            long deadline = now + timeout.toNanos();
            for (CompletableFuture<ProxySnapshot> f : futures) {
                try {
                    parts.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (ExecutionException e) {
                    throw new IllegalStateException("snapshot failed", e.getCause());
                }
            }
        }
        return ProxySnapshot.combine((now - startedAt) / 1_000_000,
                bound.stream().map(Endpoints::format).toList(), parts, settings.v1Fallback().counts());
    }

    /**
     * Closes the listening sockets: no new connections, live ones go on. A registered channel is
     * only really closed when its selector deregisters it, so this runs on the accepting loop and
     * lets its selector do that at once; when this returns, connection attempts are refused.
     */
    void stopAccepting() throws InterruptedException {
        EventLoop acceptLoop = loops.get(0);
        CompletableFuture<Void> done = new CompletableFuture<>();
        acceptLoop.execute(() -> {
            closeListeners();
            try {
                acceptLoop.selector().selectNow(); // deregisters the cancelled keys; ready keys stay selected
                done.complete(null);
            } catch (IOException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("stop_accepting_failed").with("error", String.valueOf(e.getCause() != null ? e.getCause() : e)).log();
            closeListeners();
        }
    }

    /** Asks every live connection to close (flushing what is queued), each on its own loop. */
    void closeAllConnections() {
        for (EventLoop loop : loops) {
            loop.execute(() -> {
                loopConnections.get(loop).fronts().forEach(Socks5Front::stopForShutdown);
                loopConnections.get(loop).live().forEach(Connection::stopForShutdown);
            });
        }
    }

    /**
     * What a connection holds (queues and partial messages) changed by {@code delta} bytes to
     * {@code connectionTotal}. Crossing the memory budget either way is logged once.
     */
    @Override
    public void heldBytesChanged(long delta, long connectionTotal) {
        long total = heldBytes.addAndGet(delta);
        if (connectionTotal > peakHeldBytes.get()) {
            peakHeldBytes.accumulateAndGet(connectionTotal, Math::max);
        }
        boolean over = total >= config.memoryBudget();
        if (overBudget.get() != over && overBudget.compareAndSet(!over, over)) {
            (over ? log.warn("memory_budget_reached") : log.info("memory_budget_ok"))
                    .with("held", total).with("budget", config.memoryBudget())
                    .with("action", over ? "no socket is read until queued bytes are written" : "reading again").log();
        }
    }

    /** True while all connections together hold more than the memory budget: nothing is read. */
    @Override
    public boolean overMemoryBudget() {
        return heldBytes.get() >= config.memoryBudget();
    }

    /** The addresses actually bound (with the real port when 0 was asked for). */
    public List<InetSocketAddress> boundAddresses() {
        return List.copyOf(bound);
    }

    /** The inbound listeners' addresses actually bound, in the order added. */
    public List<InetSocketAddress> inboundAddresses() {
        return List.copyOf(inboundBound);
    }

    /** The SOCKS5 listeners' addresses actually bound. */
    public List<InetSocketAddress> socks5Addresses() {
        return List.copyOf(socks5Bound);
    }

    /** Connections currently open. */
    public int activeConnections() {
        return active.get();
    }

    /**
     * Heap all connections hold now in outbound queues and partial messages, as
     * {@link OutboundQueue#memory()} and {@link org.bip324proxy.relay.ProxySession#bufferedBytes()} count it.
     */
    public long heldBytes() {
        return heldBytes.get();
    }

    /**
     * The most one connection has held (both directions) since start: bounded by the buffer limit
     * plus what one read can complete (backpressure); docs/DESIGN.md has the formula.
     */
    public long peakHeldBytes() {
        return peakHeldBytes.get();
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

    Socks5Config socks5() {
        return socks5;
    }

    @Override
    public EngineConfig config() {
        return config;
    }

    SessionSettings settings() {
        return settings;
    }

    @Override
    public EventLog log() {
        return log;
    }

    private void closeListeners() {
        List<ServerSocketChannel> all = new ArrayList<>(listeners);
        all.addAll(socks5Listeners);
        all.addAll(inboundListeners);
        for (ServerSocketChannel l : all) {
            try {
                l.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Stops accepting and stops the loops (open connections are dropped). */
    @Override
    public void close() {
        closeListeners();
        loops.forEach(EventLoop::shutdown);
        if (checksumWorkers != null) {
            checksumWorkers.close(); // a job still submitted runs on its loop instead
        }
        if (resolver != null) {
            resolver.close();
        }
        for (EventLoop loop : loops) {
            try {
                loop.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        stopped = true;
    }
}
