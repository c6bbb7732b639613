package org.bip324proxy.engine;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.function.Consumer;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.os.ListenerOptions;
import org.bip324proxy.relay.DestinationPolicy;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.relay.Transport;
import org.bip324proxy.socks5.Socks5Client;
import org.bip324proxy.socks5.Socks5Exception;
import org.bip324proxy.socks5.Socks5Reply;
import org.bip324proxy.socks5.Socks5Server;

/**
 * Makes a {@link Connection}'s peer socket: directly, through the upstream SOCKS5 proxy when it
 * carries the destination (RFC 1928 CONNECT with fresh random credentials: a circuit of its own),
 * or after a name lookup off the loop (the address it resolves to is checked by the destination
 * policy again); from the client's own address with IP_TRANSPARENT when asked. The session hears
 * {@code onPeerConnected} once the peer is reachable, or {@code onPeerConnectFailed} with why.
 */
final class PeerDialer {
    private final long id;
    private final EventLoop loop;
    private final ConnectionHost host;
    private final RelaySession session;
    private final DestinationPolicy.Listener listener;
    /** The address the peer connection is made from (IP_TRANSPARENT: the client's own); empty: the kernel chooses. */
    private final Optional<InetAddress> dialFrom;
    private final SocketSide peer;
    private final EventLoop.Handler peerHandler;
    private final PendingSocks5Reply socksReply;
    /** Runs a session event on the loop with the connection's bookkeeping. */
    private final Consumer<Runnable> events;
    /** The SOCKS5 CONNECT through the upstream proxy while it is in progress. */
    private Socks5Client upstreamHandshake;
    private InetSocketAddress upstreamHop;
    /** Bumped for every peer connection, so a late name lookup for an older one is ignored. */
    private int attempt;

    /**
     * @param peerHandler what the peer socket's selection key is attached to
     * @param events runs a session event (a lookup's answer, a connect done at once) on the loop
     */
    PeerDialer(long id, EventLoop loop, ConnectionHost host, RelaySession session, DestinationPolicy.Listener listener,
            Optional<InetAddress> dialFrom, SocketSide peer, EventLoop.Handler peerHandler, PendingSocks5Reply socksReply,
            Consumer<Runnable> events) {
        this.id = id;
        this.loop = loop;
        this.host = host;
        this.session = session;
        this.listener = listener;
        this.dialFrom = dialFrom;
        this.peer = peer;
        this.peerHandler = peerHandler;
        this.socksReply = socksReply;
        this.events = events;
    }

    /** Drops any earlier peer socket and connects to {@code address}; logs the {@code connect} line. */
    void connect(InetSocketAddress address) {
        peer.detach();
        upstreamHandshake = null;
        int current = ++attempt;
        Optional<Socks5Config.Upstream> upstream = host.upstreamFor(address);
        upstreamHop = upstream.map(Socks5Config.Upstream::address).orElse(null);
        host.log().info("connect").with("conn", id).with("dest", Endpoints.format(address))
                .with("via", session.destination().map(d -> d.source().logName()).orElse(null))
                .with("upstream", upstreamHop != null ? Endpoints.format(upstreamHop) : null)
                .with("network", session.network().map(n -> n.name()).orElse(null))
                .with("transport", session.transport().map(Transport::logName).orElse(null))
                .log();
        if (upstream.isPresent()) {
            upstreamHandshake = new Socks5Client(address, Optional.of(UpstreamCredentials.random(host.rng())));
            open(upstream.get().address());
        } else if (address.isUnresolved()) {
            host.resolver().resolve(address.getHostString(), (ip, failure) -> loop.execute(() -> events.accept(() -> {
                if (current == attempt) {
                    resolved(address, ip, failure);
                }
            })));
        } else {
            open(address);
        }
    }

    private void resolved(InetSocketAddress name, InetAddress ip, String failure) {
        if (ip == null) {
            socksReply.failWith(Socks5Reply.HOST_UNREACHABLE);
            session.onPeerConnectFailed(failure);
            return;
        }
        InetSocketAddress address = new InetSocketAddress(ip, name.getPort());
        Optional<String> refusal = host.destinationRefusal(address, listener);
        if (refusal.isPresent()) {
            socksReply.failWith(Socks5Reply.NOT_ALLOWED);
            session.onPeerConnectFailed(name.getHostString() + " resolves to " + refusal.get());
            return;
        }
        host.log().event(EventLog.Level.DEBUG, "resolved").with("conn", id).with("name", name.getHostString())
                .with("address", Endpoints.format(address)).log();
        open(address);
    }

    private void open(InetSocketAddress address) {
        try {
            SocketChannel ch = SocketChannel.open(address.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            peer.attach(ch, true);
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (dialFrom.isPresent()) {
                ListenerOptions.transparent(ch); // bind to a non-local address (CAP_NET_ADMIN, checked at start)
                ch.bind(new InetSocketAddress(dialFrom.get(), 0));
            }
            peer.register(loop.selector(), SelectionKey.OP_CONNECT, peerHandler);
            if (ch.connect(address)) {
                loop.execute(() -> events.accept(this::tcpConnected));
            }
        } catch (IOException | RuntimeException e) {
            socksReply.failWith(connectFailure(e));
            String why = ErrorText.of(e);
            loop.execute(() -> events.accept(() -> connectFailed(why))); // the session hears it after its connect call
        }
    }

    /**
     * The peer socket is connectable: the TCP connect is done, or it failed (reported to the
     * session, and then false).
     */
    boolean finishConnect() {
        try {
            peer.channel().finishConnect();
        } catch (IOException e) {
            socksReply.failWith(connectFailure(e));
            connectFailed(ErrorText.of(e));
            return false;
        }
        tcpConnected();
        return true;
    }

    /** The SOCKS5 reply for a failed connect: the error's own code when the peer itself was dialled. */
    private Socks5Reply connectFailure(Exception e) {
        return upstreamHop != null ? Socks5Reply.GENERAL_FAILURE : Socks5Failures.forConnectError(e);
    }

    private void connectFailed(String why) {
        session.onPeerConnectFailed(upstreamHop != null ? "upstream SOCKS5 proxy " + Endpoints.format(upstreamHop) + ": " + why : why);
    }

    /** The TCP connection is made: to the peer, or to the upstream proxy that must connect onwards. */
    private void tcpConnected() {
        peer.connected();
        if (upstreamHandshake != null) {
            peer.queue().add(ByteBuffer.wrap(upstreamHandshake.takeOutput()));
        } else {
            peerConnected();
        }
    }

    /** True while the peer socket carries the upstream proxy's handshake: read it with {@link #readUpstreamHandshake}. */
    boolean upstreamHandshaking() {
        return upstreamHandshake != null;
    }

    /**
     * Reads the upstream proxy's handshake one byte at a time (a few dozen bytes at most), so that
     * whatever the peer sends after the reply stays in the socket until the session wants it.
     */
    void readUpstreamHandshake() throws IOException {
        while (upstreamHandshake != null) {
            ByteBuffer one = loop.readBuffer().limit(1);
            int n = peer.read(one);
            if (n == 0) {
                return;
            }
            try {
                if (n < 0) {
                    upstreamHandshake.onEof();
                }
                boolean connected = upstreamHandshake.receive(one.flip());
                peer.queue().add(ByteBuffer.wrap(upstreamHandshake.takeOutput()));
                if (connected) {
                    upstreamHandshake = null;
                    peerConnected();
                }
            } catch (Socks5Exception e) {
                upstreamHandshake = null;
                socksReply.failWith(e.reply().filter(r -> e.reason() == Socks5Exception.Reason.REFUSED).orElse(Socks5Reply.GENERAL_FAILURE));
                connectFailed(e.getMessage());
            }
        }
    }

    /** The peer is reachable: a SOCKS5 client gets its reply now, then the session goes on. */
    private void peerConnected() {
        if (socksReply.due()) {
            InetSocketAddress local = null;
            try {
                local = (InetSocketAddress) peer.channel().getLocalAddress();
            } catch (IOException e) {
                // the bound address is informational only
            }
            socksReply.succeeded(local != null && upstreamHop == null ? local : Socks5Server.UNSPECIFIED);
        }
        session.onPeerConnected();
        socksReply.takeEarlyBytes().ifPresent(session::onClientBytes);
    }

    /** The upstream SOCKS5 proxy the current peer connection goes through, null if direct. */
    InetSocketAddress upstreamHop() {
        return upstreamHop;
    }
}
