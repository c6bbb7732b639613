package org.bip324proxy.engine;

import java.nio.channels.SelectionKey;
import org.bip324proxy.relay.RelaySession;

/**
 * Which of a {@link Connection}'s sockets may be read and written, and its share of the memory
 * all connections hold. A socket is not read while the opposite socket has more than the high
 * watermark queued, nor while all connections together are over the memory budget, so memory per
 * connection stays bounded whatever the peers do.
 */
final class Backpressure {
    private final SocketSide client;
    private final SocketSide peer;
    private final RelaySession session;
    private final ConnectionHost host;
    private final long highWatermark;
    /** This connection's share of {@code ProxyServer.heldBytes()}. */
    private long reportedHeld;
    /** Reading was stopped only because all connections together are over the memory budget. */
    private boolean pausedByBudget;

    Backpressure(SocketSide client, SocketSide peer, RelaySession session, ConnectionHost host) {
        this.client = client;
        this.peer = peer;
        this.session = session;
        this.host = host;
        this.highWatermark = host.config().queueHighWatermark();
    }

    /** Tells the host what this connection holds now: both queues and the session's partial messages. */
    void reportHeld() {
        long held = client.queue().memory() + peer.queue().memory() + session.bufferedBytes();
        if (held != reportedHeld) {
            host.heldBytesChanged(held - reportedHeld, held);
            reportedHeld = held;
        }
    }

    /** The connection has closed: it holds nothing any more. */
    void released() {
        host.heldBytesChanged(-reportedHeld, 0);
        reportedHeld = 0;
    }

    /**
     * Sets both sockets' interest: writes while something may be written, reads unless the
     * connection is closing or held back.
     *
     * @param upstreamHandshaking the peer socket carries the upstream SOCKS5 handshake (always read)
     */
    void updateInterest(boolean closing, boolean upstreamHandshaking) {
        pausedByBudget = !closing && host.overMemoryBudget();
        boolean readable = !closing && !pausedByBudget;
        int clientOps = 0;
        if (readable && session.wantsClientBytes() && peer.queue().memory() < highWatermark) {
            clientOps |= SelectionKey.OP_READ;
        }
        if (client.queue().canWrite()) {
            clientOps |= SelectionKey.OP_WRITE;
        }
        client.interestOps(clientOps);
        int peerOps = 0;
        if (peer.connecting()) {
            peerOps = SelectionKey.OP_CONNECT;
        } else {
            if (readable && (upstreamHandshaking || session.wantsPeerBytes() && client.queue().memory() < highWatermark)) {
                peerOps |= SelectionKey.OP_READ;
            }
            if (peer.queue().canWrite()) {
                peerOps |= SelectionKey.OP_WRITE;
            }
        }
        peer.interestOps(peerOps);
    }

    /** Reading stopped only for the memory budget, which may have room again by the next tick. */
    boolean pausedByBudget() {
        return pausedByBudget;
    }
}
