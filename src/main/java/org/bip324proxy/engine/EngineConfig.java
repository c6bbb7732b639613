package org.bip324proxy.engine;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Socket-level settings of the proxy engine.
 *
 * @param listen addresses to accept client connections on
 * @param tproxy listen with IP_TRANSPARENT and take destinations from the accepted socket's local
 *     address (router TPROXY mode)
 * @param threads event-loop threads (and as many checksum workers)
 * @param maxConnections concurrent client connections; more are accepted and closed at once
 * @param firstMessageTimeout time for the client's first complete message
 * @param connectTimeout time to connect to the destination
 * @param handshakeTimeout time from connect until the peer's BIP324 version packet
 * @param idleTimeout time without traffic in either direction before an established relay closes
 * @param closeFlushTimeout time to deliver queued bytes when a session closes
 * @param queueHighWatermark heap held by the queue towards one socket above which the other side is
 *     not read
 * @param memoryBudget heap all connections together may hold in queues and partial messages; above
 *     it no socket is read until writes bring it down
 * @param maxConnectionsPerSource concurrent connections of one local user (uid) or client IP
 * @param refusalLogInterval refused connections after the first are summarised once per interval
 */
public record EngineConfig(
        List<InetSocketAddress> listen,
        boolean tproxy,
        int threads,
        int maxConnections,
        Duration firstMessageTimeout,
        Duration connectTimeout,
        Duration handshakeTimeout,
        Duration idleTimeout,
        Duration closeFlushTimeout,
        int queueHighWatermark,
        long memoryBudget,
        int maxConnectionsPerSource,
        Duration refusalLogInterval) {

    /**
     * Default {@link #queueHighWatermark}: 4 MiB, just above the largest v1 message (4,000,000
     * bytes), so that while one block is being written (or hashed by a checksum worker) the next
     * one can already be read. With less, a stream of blocks alternates between reading and
     * writing instead of overlapping them.
     */
    public static final int DEFAULT_QUEUE_HIGH_WATERMARK = 4 << 20;

    /**
     * Default {@link #memoryBudget}: half the JVM's maximum heap. The other half is for what the
     * budget does not count (per-connection objects and cipher states, the collector's headroom).
     */
    public static long defaultMemoryBudget() {
        return Runtime.getRuntime().maxMemory() / 2;
    }

    /**
     * Default {@link #maxConnectionsPerSource}: a Bitcoin Core node makes about a dozen outbound
     * connections (8 full-relay, 2 block-relay-only, feelers, -addnode); 64 leaves room for
     * several clients of one user while 16 users share the default 1,024 slots.
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_SOURCE = 64;

    /** Default {@link #refusalLogInterval}. */
    public static final Duration DEFAULT_REFUSAL_LOG_INTERVAL = Duration.ofSeconds(10);

    /**
     * A configuration with the default memory budget and refusal log interval, and no per-source
     * cap below {@code maxConnections} (embedded uses: bench, selftest, tests; the CLI sets
     * {@link #DEFAULT_MAX_CONNECTIONS_PER_SOURCE}).
     */
    public EngineConfig(List<InetSocketAddress> listen, boolean tproxy, int threads, int maxConnections,
            Duration firstMessageTimeout, Duration connectTimeout, Duration handshakeTimeout, Duration idleTimeout,
            Duration closeFlushTimeout, int queueHighWatermark) {
        this(listen, tproxy, threads, maxConnections, firstMessageTimeout, connectTimeout, handshakeTimeout, idleTimeout,
                closeFlushTimeout, queueHighWatermark, defaultMemoryBudget(), maxConnections, DEFAULT_REFUSAL_LOG_INTERVAL);
    }

    public EngineConfig {
        listen = List.copyOf(listen);
        if (listen.isEmpty()) {
            throw new IllegalArgumentException("nothing to listen on");
        }
        if (threads < 1 || maxConnections < 1 || queueHighWatermark < 1) {
            throw new IllegalArgumentException("threads, max connections and queue size must be positive");
        }
        if (maxConnectionsPerSource < 1) {
            throw new IllegalArgumentException("--max-connections-per-source must be at least 1, got " + maxConnectionsPerSource);
        }
        if (refusalLogInterval.isNegative() || refusalLogInterval.isZero()) {
            throw new IllegalArgumentException("the refusal log interval must be positive");
        }
    }
}
