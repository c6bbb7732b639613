package org.bip324proxy.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The proxy's own TCP endpoints (listeners, metrics): connecting to one of them would loop back
 * into the proxy or expose its internals. Filled by the engine as it binds; read by every
 * session. Thread-safe.
 */
public final class OwnEndpoints {
    private final Predicate<InetAddress> isHostAddress;
    private final Set<InetSocketAddress> endpoints = ConcurrentHashMap.newKeySet();

    /**
     * @param isHostAddress whether an address belongs to this host (loopback, or one of its
     *     interfaces): what a wildcard listener ({@code 0.0.0.0}, {@code ::}) accepts on
     */
    public OwnEndpoints(Predicate<InetAddress> isHostAddress) {
        this.isHostAddress = isHostAddress;
    }

    /** Records an endpoint the proxy is bound to (with its real port). */
    public void add(InetSocketAddress endpoint) {
        endpoints.add(new InetSocketAddress(AddressClass.canonical(endpoint.getAddress()), endpoint.getPort()));
    }

    /** Whether connecting to {@code a} would reach one of the proxy's own endpoints. */
    public boolean contains(InetSocketAddress a) {
        if (a.isUnresolved()) {
            return false; // a name is checked once resolved
        }
        InetAddress ip = AddressClass.canonical(a.getAddress());
        for (InetSocketAddress own : endpoints) {
            if (own.getPort() == a.getPort()
                    && (own.getAddress().equals(ip) || own.getAddress().isAnyLocalAddress() && isHostAddress.test(ip))) {
                return true;
            }
        }
        return false;
    }
}
