package org.bip324proxy.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import org.bip324proxy.relay.Phase;
import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.v1.DeferredChecksum;

/**
 * The bytes of a {@link Connection}'s two sockets: what a ready socket reads goes to the session
 * (unless the memory budget is exhausted), queued bytes are written (those behind a checksum job
 * once it is done) and half-closes made when their queue is empty, and a socket failure is
 * reported to the session. Loop thread only; every call is part of one of the connection's events.
 */
final class ConnectionIo {
    private final SocketSide client;
    private final SocketSide peer;
    private final EventLoop loop;
    private final ConnectionHost host;
    private final RelaySession session;
    private final PeerDialer dialer;
    private final PhaseTimers timers;
    /** Closes the connection (flushing what is queued): called when a failure ended the session. */
    private final Runnable close;

    ConnectionIo(SocketSide client, SocketSide peer, EventLoop loop, ConnectionHost host, RelaySession session,
            PeerDialer dialer, PhaseTimers timers, Runnable close) {
        this.client = client;
        this.peer = peer;
        this.loop = loop;
        this.host = host;
        this.session = session;
        this.dialer = dialer;
        this.timers = timers;
        this.close = close;
    }

    /** {@code side}'s socket is ready: its connect completes, its queue is written, what it has is read. */
    void onReady(SocketSide side, SelectionKey key) throws IOException {
        if (key.isConnectable() && !dialer.finishConnect()) {
            return;
        }
        if (key.isValid() && key.isWritable() && side.write()) {
            timers.activity();
        }
        if (key.isValid() && key.isReadable()) {
            read(side);
        }
    }

    private void read(SocketSide side) throws IOException {
        if (host.overMemoryBudget()) {
            return; // selected before the budget filled up; the event's end stops reading
        }
        if (side == peer && dialer.upstreamHandshaking()) {
            dialer.readUpstreamHandshake();
        } else if (side.readInto(session, loop.readBuffer())) {
            timers.activity();
        }
    }

    /**
     * Queues {@code bytes} for {@code side} but writes nothing from them on until the checksum
     * workers have run {@code check}; if the check fails (only a client's payload is checked),
     * they and everything queued after them are dropped and the session hears why.
     *
     * @param events runs the job's outcome as an event of the connection
     */
    void sendAfter(SocketSide side, ByteBuffer bytes, DeferredChecksum check, java.util.function.Consumer<Runnable> events) {
        OutboundQueue queue = side.queue();
        queue.addHeld(bytes);
        host.checksumWorkers().submit(check, failure -> loop.execute(() -> events.accept(() -> {
            if (failure.isEmpty()) {
                queue.release(bytes);
            } else {
                queue.dropFrom(bytes);
                session.onClientChecksumFailed(failure.get());
            }
        })));
    }

    /** Writes right away what both sockets may take (most writes complete without waiting for OP_WRITE). */
    void flush() {
        flush(client);
        flush(peer);
    }

    private void flush(SocketSide side) {
        try {
            if (side.flush()) {
                timers.activity();
            }
        } catch (IOException e) {
            failed(side, e);
        }
    }

    /**
     * A socket failed: what was queued for it is lost, and the session decides (close, or v1
     * fallback when the peer resets during the handshake). The other side's queue still flushes.
     */
    void failed(SocketSide side, IOException e) {
        side.queue().clear();
        session.onError(side.peerSide(), ErrorText.of(e));
        if (session.phase() == Phase.CLOSED) {
            close.run();
        }
    }

    /** Both sockets have written all they can: a closing connection may finish. */
    boolean drained() {
        return client.nothingToFlush() && peer.nothingToFlush();
    }
}
