package org.bip324proxy.relay;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.bip324proxy.v1.DeferredChecksum;

/**
 * A session's two sockets named by what they carry, as {@link TrafficStats} counts them: the v1
 * side (an outbound session's client, an inbound session's node) and the v2 side (the BIP324 peer
 * of an outbound session, the stranger of an inbound one; for passthrough and v1 fallback it
 * carries the client's own protocol). The relay strategies send through it, so one strategy
 * serves both directions; every byte moved is counted here, and the two ends are tracked for the
 * half-close.
 */
final class Sides {
    /** One of the two sockets. */
    enum Side {
        V1, V2;

        Side other() {
            return this == V1 ? V2 : V1;
        }
    }

    private final SessionActions actions;
    private final SessionStats stats;
    private final boolean v1IsClient;
    private final Consumer<CloseCause> close;
    private boolean v1Ended;
    private boolean v2Ended;

    /**
     * @param v1IsClient true outbound (the accepted client speaks v1, the dialled peer v2), false
     *     inbound (the accepted stranger speaks v2 or is passed through, the dialled node v1)
     * @param close closes the session with a cause (null: both sides finished)
     */
    Sides(SessionActions actions, SessionStats stats, boolean v1IsClient, Consumer<CloseCause> close) {
        this.actions = actions;
        this.stats = stats;
        this.v1IsClient = v1IsClient;
        this.close = close;
    }

    SessionStats stats() {
        return stats;
    }

    /** The accepted socket's side. */
    Side client() {
        return v1IsClient ? Side.V1 : Side.V2;
    }

    /** Who the v1 side is, for close causes. */
    CloseCause.Party v1Party() {
        return v1IsClient ? CloseCause.Party.CLIENT : CloseCause.Party.NODE;
    }

    /** Counts bytes read from {@code from}. */
    void received(Side from, int bytes) {
        if (from == Side.V1) {
            stats.v1BytesIn += bytes;
        } else {
            stats.v2BytesIn += bytes;
        }
    }

    /** Queues {@code b} for {@code to}; the buffer now belongs to the engine. */
    void send(Side to, ByteBuffer b) {
        if (to == Side.V1) {
            stats.v1BytesOut += b.remaining();
        } else {
            stats.v2BytesOut += b.remaining();
        }
        if (to == client()) {
            actions.sendToClient(b);
        } else {
            actions.sendToPeer(b);
        }
    }

    /** A frame for the v1 side whose checksum {@code checksum} still has to write. */
    void sendToV1After(ByteBuffer b, DeferredChecksum checksum) {
        stats.v1BytesOut += b.remaining();
        if (v1IsClient) {
            actions.sendToClientAfter(b, checksum);
        } else {
            actions.sendToPeerAfter(b, checksum); // writes a checksum: never fails
        }
    }

    /** A packet for the peer carrying a client message whose checksum {@code check} still has to verify. */
    void sendToV2After(ByteBuffer b, DeferredChecksum check) {
        if (!v1IsClient) {
            throw new IllegalStateException("only the accepted side's checksums are deferred");
        }
        stats.v2BytesOut += b.remaining();
        actions.sendToPeerAfter(b, check);
    }

    /** {@code side} closed its sending side (EOF); nothing is done about it yet. */
    void markEnded(Side side) {
        if (side == Side.V1) {
            v1Ended = true;
        } else {
            v2Ended = true;
        }
    }

    /** The v2 side is dialled anew (v1 fallback): its earlier EOF no longer counts. */
    void reopenV2() {
        v2Ended = false;
    }

    boolean ended(Side side) {
        return side == Side.V1 ? v1Ended : v2Ended;
    }

    /**
     * {@code side} ended cleanly (on a message boundary): once both have, the session closes;
     * until then the other side's output is shut down once its queue is written (half-close).
     */
    void finish(Side side) {
        markEnded(side);
        if (v1Ended && v2Ended) {
            close.accept(null);
        } else if (side == client()) {
            actions.shutdownPeerOutput();
        } else {
            actions.shutdownClientOutput();
        }
    }

    /** Closes the session with {@code cause}. */
    void close(CloseCause cause) {
        close.accept(cause);
    }
}
