package org.bip324proxy.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.os.HostAddresses;
import org.bip324proxy.os.SocketOwners;
import org.bip324proxy.relay.AddressClass;
import org.bip324proxy.relay.Endpoints;

/**
 * Accepts clients on the proxy's listeners (on the accepting loop) and admits them: at most
 * {@code --max-connections} in all and {@code --max-connections-per-source} per source, refusals
 * logged through {@link RefusalLog}; an accept that fails (EMFILE, ENFILE) pauses accepting
 * ({@link AcceptPause}). An admitted socket gets the next connection id and the next loop
 * (round-robin), where its listener's {@link Handover} opens it; it holds its slot until
 * {@link #release}d.
 */
final class Acceptor {
    private static final long ACCEPT_PAUSE_NANOS = 200_000_000L;

    /**
     * What a listener does with a socket it accepted once the limits let it in; runs on the loop
     * that will serve the connection.
     */
    @FunctionalInterface
    interface Handover {
        void open(long id, EventLoop loop, SocketChannel ch, InetSocketAddress client) throws IOException;
    }

    private final EngineConfig config;
    private final EventLog log;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong nextId = new AtomicLong(1);
    private final AcceptPause acceptPause = new AcceptPause(ACCEPT_PAUSE_NANOS);
    private final SourceLimits sourceLimits;
    private final RefusalLog refusals;
    /** The source (see {@link #sourceOf}) of each live connection, by id, to return its slot. */
    private final Map<Long, String> sources = new ConcurrentHashMap<>();
    private List<EventLoop> loops = List.of();
    private int nextLoop;

    Acceptor(EngineConfig config, EventLog log) {
        this.config = config;
        this.log = log;
        this.sourceLimits = new SourceLimits(config.maxConnectionsPerSource());
        this.refusals = new RefusalLog(log, config.refusalLogInterval().toNanos());
    }

    /** Accepts on {@code loops}' first, and spreads the connections over all of them. */
    void serveOn(List<EventLoop> loops) {
        this.loops = List.copyOf(loops);
        EventLoop acceptLoop = loops.get(0);
        acceptLoop.onTick(acceptPause::resumeIfDue);
        acceptLoop.onTick(refusals::tick);
    }

    /** Accepts on {@code listener} (after {@link #serveOn}); each admitted client goes to {@code handover}. */
    void register(ServerSocketChannel listener, Handover handover) throws IOException {
        acceptPause.add(listener.register(loops.get(0).selector(), SelectionKey.OP_ACCEPT,
                (EventLoop.Handler) key -> accept(listener, handover)));
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
            Quietly.close(ch);
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
                release(id);
                Quietly.close(ch);
                log.warn("accept_failed").with("conn", id).with("error", e instanceof IOException io
                        ? ErrorText.of(io) : "internal error: " + e).log();
            }
        });
    }

    private void refuse(SocketChannel ch, long id, InetSocketAddress client, String source, String rule, String detail) {
        refusals.refused(System.nanoTime(), id, Endpoints.format(client), source, rule, detail);
        Quietly.close(ch);
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

    /** The connection {@code id} has closed (or was never opened): its slots are free again. */
    void release(long id) {
        active.decrementAndGet();
        sourceLimits.release(sources.remove(id));
    }

    /** Connections admitted and not yet released. */
    int active() {
        return active.get();
    }
}
