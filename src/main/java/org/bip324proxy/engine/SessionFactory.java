package org.bip324proxy.engine;

import java.net.InetSocketAddress;
import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.relay.SessionActions;

/**
 * Makes the session of one accepted connection: each listener has its own (a redirect or SOCKS5
 * client gets a {@link org.bip324proxy.relay.ProxySession}, a stranger on an inbound listener an
 * {@link org.bip324proxy.relay.InboundSession}); the engine drives them all alike.
 */
@FunctionalInterface
public interface SessionFactory {
    /**
     * @param actions the connection's engine side, which the session asks to send, connect and close
     * @param reached the address the client connected to (the accepted socket's local address)
     */
    RelaySession create(SessionActions actions, InetSocketAddress reached);
}
