package org.bip324proxy.engine;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Optional;

import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.DestinationPolicy;

/**
 * What a {@link Connection} may ask of the engine that owns it, and nothing more: shared services
 * (checksum workers, name resolution, the upstream SOCKS5 hop), the destination policy, the global
 * memory budget, and the notice that it has closed. {@link ProxyServer} is the one implementation;
 * every method is safe to call from any event-loop thread.
 */
interface ConnectionHost {
    EngineConfig config();

    EventLog log();

    /** Off-loop SHA-256 of large v1 payloads. */
    ChecksumWorkers checksumWorkers();

    /** Resolves SOCKS5 domain names off the loops. */
    Resolver resolver();

    /** Random numbers for the per-connection upstream SOCKS5 credentials. */
    SecureRandom rng();

    /** The upstream SOCKS5 proxy (e.g. Tor) that carries connections to {@code target}, if any. */
    Optional<Socks5Config.Upstream> upstreamFor(InetSocketAddress target);

    /** Why the proxy must not connect to {@code target}, if it must not (the logged refusal). */
    Optional<String> destinationRefusal(InetSocketAddress target, DestinationPolicy.Listener listener);

    /** True while all connections together hold more than the memory budget: nothing is read. */
    boolean overMemoryBudget();

    /** What one connection holds changed by {@code delta} bytes to {@code connectionTotal}. */
    void heldBytesChanged(long delta, long connectionTotal);

    /** Called once, on the connection's own loop thread, when it has closed. */
    void connectionClosed(Connection c);
}
