package org.bip324proxy.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.DestinationPolicy;

/**
 * What a {@link Socks5Front} may ask of the engine that owns it, and nothing more: the SOCKS5
 * settings, the destination policy, the hand-over of a client whose CONNECT request is complete,
 * and the notice that it closed before that. {@link ProxyServer} is the one implementation; every
 * method is called on the front's own loop thread.
 */
interface Socks5FrontHost {
    EventLog log();

    /** The SOCKS5 listeners' settings: their users and greeting timeout. */
    Socks5Config socks5();

    /** Why the proxy must not connect to {@code target}, if it must not (the logged refusal). */
    Optional<String> destinationRefusal(InetSocketAddress target, DestinationPolicy.Listener listener);

    /**
     * The client's CONNECT target is allowed: a {@link Connection} takes over its socket in place
     * of {@code front}, and replies once the peer is connected.
     *
     * @throws IOException if the connection cannot take over the socket (the front closes it then)
     */
    void connect(Socks5Front front, SocketChannel client, InetSocketAddress clientAddress,
            DestinationPolicy.Listener listener, Socks5Handover handover) throws IOException;

    /** Called once when {@code front} closed or refused its client before a connection took over. */
    void frontClosed(Socks5Front front);
}
