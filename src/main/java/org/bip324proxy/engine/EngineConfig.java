package org.bip324proxy.engine;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * Socket-level settings of the proxy engine: immutable, checked when built. Build it with
 * {@link #builder()}, whose defaults are the command line's (the CLI, the bench, the selftest and
 * the tests all do).
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

    public EngineConfig {
        listen = List.copyOf(listen);
        if (listen.isEmpty()) {
            throw new IllegalArgumentException("nothing to listen on");
        }
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("--threads must be 1.." + MAX_THREADS + ", got " + threads);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("--max-connections must be at least 1, got " + maxConnections);
        }
        if (queueHighWatermark < 1) {
            throw new IllegalArgumentException("--buffer-limit must be positive, got " + queueHighWatermark);
        }
        if (maxConnectionsPerSource < 1) {
            throw new IllegalArgumentException("--max-connections-per-source must be at least 1, got " + maxConnectionsPerSource);
        }
        if (refusalLogInterval.isNegative() || refusalLogInterval.isZero()) {
            throw new IllegalArgumentException("the refusal log interval must be positive");
        }
    }

    /** Most {@link #threads}. */
    public static final int MAX_THREADS = 256;

    /** Default {@link #maxConnections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;

    public static Builder builder() {
        return new Builder();
    }

    /** Named settings with the command line's defaults; {@link #build()} checks them. */
    public static final class Builder {
        private List<InetSocketAddress> listen = List.of();
        private boolean tproxy;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration firstMessageTimeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration handshakeTimeout = Duration.ofSeconds(20);
        private Duration idleTimeout = Duration.ofMinutes(30);
        private Duration closeFlushTimeout = Duration.ofSeconds(5);
        private int queueHighWatermark = DEFAULT_QUEUE_HIGH_WATERMARK;
        private long memoryBudget = defaultMemoryBudget();
        private OptionalInt maxConnectionsPerSource = OptionalInt.empty();
        private Duration refusalLogInterval = DEFAULT_REFUSAL_LOG_INTERVAL;

        private Builder() {}

        /** Required: at least one address. */
        public Builder listen(List<InetSocketAddress> addresses) {
            listen = addresses;
            return this;
        }

        public Builder listen(InetSocketAddress address) {
            return listen(List.of(address));
        }

        /** Default false. */
        public Builder tproxy(boolean on) {
            tproxy = on;
            return this;
        }

        /** Default: one per CPU. */
        public Builder threads(int n) {
            threads = n;
            return this;
        }

        /** Default {@value EngineConfig#DEFAULT_MAX_CONNECTIONS}. */
        public Builder maxConnections(int n) {
            maxConnections = n;
            return this;
        }

        /** Default 30 s. */
        public Builder firstMessageTimeout(Duration d) {
            firstMessageTimeout = d;
            return this;
        }

        /** Default 10 s. */
        public Builder connectTimeout(Duration d) {
            connectTimeout = d;
            return this;
        }

        /** Default 20 s. */
        public Builder handshakeTimeout(Duration d) {
            handshakeTimeout = d;
            return this;
        }

        /** Default 30 min. */
        public Builder idleTimeout(Duration d) {
            idleTimeout = d;
            return this;
        }

        /** Default 5 s. */
        public Builder closeFlushTimeout(Duration d) {
            closeFlushTimeout = d;
            return this;
        }

        /** Default {@link EngineConfig#DEFAULT_QUEUE_HIGH_WATERMARK}. */
        public Builder queueHighWatermark(int bytes) {
            queueHighWatermark = bytes;
            return this;
        }

        /** Default {@link EngineConfig#defaultMemoryBudget()}. */
        public Builder memoryBudget(long bytes) {
            memoryBudget = bytes;
            return this;
        }

        /**
         * Default: no per-source cap below {@link #maxConnections} (embedded uses: bench, selftest,
         * tests); the CLI's default is {@link EngineConfig#DEFAULT_MAX_CONNECTIONS_PER_SOURCE}.
         */
        public Builder maxConnectionsPerSource(int n) {
            maxConnectionsPerSource = OptionalInt.of(n);
            return this;
        }

        /** Default {@link EngineConfig#DEFAULT_REFUSAL_LOG_INTERVAL}. */
        public Builder refusalLogInterval(Duration d) {
            refusalLogInterval = d;
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting out of range */
        public EngineConfig build() {
            return new EngineConfig(listen, tproxy, threads, maxConnections, firstMessageTimeout, connectTimeout,
                    handshakeTimeout, idleTimeout, closeFlushTimeout, queueHighWatermark, memoryBudget,
                    maxConnectionsPerSource.orElse(maxConnections), refusalLogInterval);
        }
    }
}
