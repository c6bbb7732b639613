package org.bip324proxy.cli;

import java.time.Duration;
import org.bip324proxy.engine.EngineConfig;
import picocli.CommandLine.Option;

/** Timeouts per phase, connection caps, threads and memory bounds of the engine. */
final class LimitOptions {
    /** {@link EngineConfig#DEFAULT_QUEUE_HIGH_WATERMARK} as the user writes it. */
    static final String DEFAULT_BUFFER_LIMIT = "4M";

    @Option(names = "--first-message-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = Durations.class,
            description = "Time for the client to send its first complete message. Default: ${DEFAULT-VALUE}.")
    Duration firstMessageTimeout;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
            description = "Time to connect to the destination. Default: ${DEFAULT-VALUE}.")
    Duration connectTimeout;

    @Option(names = "--handshake-timeout", paramLabel = "DURATION", defaultValue = "20s", converter = Durations.class,
            description = "Time from connecting until the peer completes the BIP324 handshake (v1-only peers "
                    + "may never answer). Default: ${DEFAULT-VALUE}.")
    Duration handshakeTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "30m", converter = Durations.class,
            description = "Close a relayed connection after this long without traffic either way "
                    + "(Bitcoin nodes ping every 2 minutes). Default: ${DEFAULT-VALUE}.")
    Duration idleTimeout;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + EngineConfig.DEFAULT_MAX_CONNECTIONS,
            description = "Most client connections at once; more are closed on arrival. Default: ${DEFAULT-VALUE}.")
    int maxConnections;

    @Option(names = "--max-connections-per-source", paramLabel = "N",
            defaultValue = "" + EngineConfig.DEFAULT_MAX_CONNECTIONS_PER_SOURCE,
            description = "Most client connections at once from one source: a local user (by uid, from the "
                    + "kernel's socket table) or else one client IP address; more are closed on arrival. Refusals "
                    + "are logged once in full, then summarised every 10 s. Default: ${DEFAULT-VALUE}.")
    int maxConnectionsPerSource;

    @Option(names = "--threads", paramLabel = "N",
            description = "Event-loop threads, and as many threads that hash the checksums of large (>= 64 KiB) "
                    + "messages. Default: the number of CPUs.")
    Integer threads;

    @Option(names = "--buffer-limit", paramLabel = "SIZE", defaultValue = DEFAULT_BUFFER_LIMIT, converter = Sizes.class,
            description = "Heap held by the queue towards one socket (payload, buffer room and overhead) above which "
                    + "the other side is no longer read (backpressure; one message may exceed it); 1K to 1G. "
                    + "Default: ${DEFAULT-VALUE}.")
    int bufferLimit;

    @Option(names = "--memory-budget", paramLabel = "SIZE", converter = Sizes.class,
            description = "Heap all connections together may hold in queues and partial messages; at this much "
                    + "the proxy stops reading until writes free some (docs/DESIGN.md has the formula); 1K to 1G. "
                    + "Default: half the JVM's maximum heap (-Xmx).")
    Integer memoryBudget;

    /** Sets these limits on {@code engine}; its constructor checks their ranges. */
    EngineConfig.Builder applyTo(EngineConfig.Builder engine) {
        engine.maxConnections(maxConnections)
                .maxConnectionsPerSource(maxConnectionsPerSource)
                .firstMessageTimeout(firstMessageTimeout)
                .connectTimeout(connectTimeout)
                .handshakeTimeout(handshakeTimeout)
                .idleTimeout(idleTimeout)
                .queueHighWatermark(bufferLimit);
        if (threads != null) {
            engine.threads(threads);
        }
        if (memoryBudget != null) {
            engine.memoryBudget(memoryBudget);
        }
        return engine;
    }
}
