package org.bip324proxy.engine;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.os.ErrnoException;
import org.bip324proxy.os.ListenerOptions;
import org.bip324proxy.relay.DestinationPolicy;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.relay.OwnEndpoints;

/**
 * The proxy's listening sockets: bound at start (an address that cannot be bound fails with a
 * message naming it and the option that asked for it), each bound address added to the
 * destination policy's own endpoints so the proxy never dials itself, and closed together.
 */
final class ListenerSockets {
    private static final int BACKLOG = 1024;

    /** A listening socket and the address it is bound to (with the real port when 0 was asked for). */
    record Bound(ServerSocketChannel channel, InetSocketAddress address) {
        /** The kind of listener this is for the destination policy (loopback, or reachable by others). */
        DestinationPolicy.Listener kind() {
            return DestinationPolicy.Listener.boundTo(address.getAddress());
        }
    }

    private final OwnEndpoints ownEndpoints;
    private final List<ServerSocketChannel> all = new CopyOnWriteArrayList<>();

    /** @param ownEndpoints the destination policy's own endpoints, which every bound address joins */
    ListenerSockets(OwnEndpoints ownEndpoints) {
        this.ownEndpoints = ownEndpoints;
    }

    /**
     * @param tproxy with IP_TRANSPARENT (CAP_NET_ADMIN), to accept TPROXY-diverted connections
     * @param option the command-line option that asked for this address, named when it is taken
     */
    Bound bind(InetSocketAddress address, boolean tproxy, String option) throws IOException {
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
            all.add(ch);
            ownEndpoints.add(local);
            return new Bound(ch, local);
        } catch (BindException e) {
            ch.close();
            throw new BindException("cannot listen on " + Endpoints.format(address) + ": " + e.getMessage()
                    + " (another bip324-proxy running? choose another " + option + " address)");
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot listen on " + Endpoints.format(address) + ": " + e.getMessage(), e);
        }
    }

    /** Fails at startup, not at the first stranger, when IP_TRANSPARENT is not allowed. */
    static void checkTransparentDialing() throws IOException {
        try (SocketChannel probe = SocketChannel.open()) {
            ListenerOptions.transparent(probe);
        } catch (ErrnoException e) {
            throw new IOException(e.getMessage() + ": --inbound-transparent needs CAP_NET_ADMIN "
                    + "(run as root, or give the service AmbientCapabilities=CAP_NET_ADMIN)", e);
        }
    }

    /**
     * Closes the listening sockets: no new connections, live ones go on. A registered channel is
     * only really closed when its selector deregisters it, so this runs on the accepting loop and
     * lets its selector do that at once; when this returns, connection attempts are refused.
     */
    void stopAccepting(EventLoop acceptLoop, EventLog log) throws InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        acceptLoop.execute(() -> {
            closeAll();
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
            closeAll();
        }
    }

    void closeAll() {
        all.forEach(Quietly::close);
    }
}
