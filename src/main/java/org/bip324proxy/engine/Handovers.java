package org.bip324proxy.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.os.OriginalDestination;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.DestinationPolicy;
import org.bip324proxy.relay.ProxySession;
import org.bip324proxy.relay.SessionSettings;

/**
 * What each kind of listener makes of a socket the {@link Acceptor} admitted, on the loop that
 * will serve it: a redirect listener a {@link Connection} whose {@link ProxySession} knows the
 * original destination (SO_ORIGINAL_DST, or the local address with TPROXY); a SOCKS5 listener a
 * {@link Socks5Front}, and a connection once its CONNECT request is complete; an inbound listener
 * a connection with the session that listener makes.
 */
final class Handovers {
    private final EngineConfig config;
    private final SessionSettings settings;
    private final EventLog log;
    private final EventLoops loops;
    private final ConnectionHost connectionHost;
    private final Socks5FrontHost frontHost;

    Handovers(EngineConfig config, SessionSettings settings, EventLog log, EventLoops loops, ConnectionHost connectionHost,
            Socks5FrontHost frontHost) {
        this.config = config;
        this.settings = settings;
        this.log = log;
        this.loops = loops;
        this.connectionHost = connectionHost;
        this.frontHost = frontHost;
    }

    /** For a listener that redirected (or TPROXY-diverted) clients reach. */
    Acceptor.Handover redirect(DestinationPolicy.Listener kind) {
        return (id, loop, ch, client) -> {
            Optional<Destination> dst = redirectDestination(id, ch);
            loops.connectionsOf(loop).add(new Connection(id, loop, connectionHost, ch, client,
                    (actions, reached) -> new ProxySession(settings, actions, dst, kind), dst, Optional.empty(), kind,
                    Optional.empty()));
        };
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

    /** For a SOCKS5 listener: the client negotiates with a {@link Socks5Front} first. */
    Acceptor.Handover socks5(DestinationPolicy.Listener kind) {
        return (id, loop, ch, client) -> loops.connectionsOf(loop).addFront(new Socks5Front(id, loop, frontHost, ch, client, kind));
    }

    /** A SOCKS5 client's CONNECT target was allowed: a connection takes the front's place. */
    void socks5Connected(Socks5Front front, SocketChannel client, InetSocketAddress clientAddress,
            DestinationPolicy.Listener kind, Socks5Handover handover) throws IOException {
        LoopConnections set = loops.connectionsOf(front.loop());
        set.removeFront(front);
        Optional<Destination> named = Optional.of(new Destination(handover.handshake().target(), Destination.Source.SOCKS5));
        set.add(new Connection(front.id(), front.loop(), connectionHost, client, clientAddress,
                (actions, reached) -> new ProxySession(settings, actions, named, kind), Optional.empty(),
                Optional.of(handover), kind, Optional.empty()));
    }

    /**
     * For an inbound listener, whose sessions {@code sessions} makes; with {@code transparent}, the
     * node is dialled from the stranger's own address.
     */
    Acceptor.Handover inbound(DestinationPolicy.Listener kind, SessionFactory sessions, boolean transparent) {
        return (id, loop, ch, client) -> loops.connectionsOf(loop).add(new Connection(id, loop, connectionHost, ch, client,
                sessions, Optional.empty(), Optional.empty(), kind, transparent ? Optional.of(client.getAddress()) : Optional.empty()));
    }
}
