package org.bip324proxy.engine;

import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.relay.SessionActions;

/**
 * Makes the session of one accepted connection: each listener has its own (a redirect or SOCKS5
 * client gets a {@link org.bip324proxy.relay.ProxySession}, a stranger on an inbound listener an
 * {@link org.bip324proxy.relay.InboundSession}); the engine drives them all alike.
 */
@FunctionalInterface
public interface SessionFactory {
    /** @param actions the connection's engine side, which the session asks to send, connect and close */
    RelaySession create(SessionActions actions);
}
