package org.bip324proxy.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import org.bip324proxy.relay.RelaySession;

/**
 * One of a {@link Connection}'s two sockets: the channel and its selection key, the bytes queued
 * for it, and a half-close that waits until they are written. The client side is attached for the
 * connection's whole life; the peer side from its dial on, and again for each new dial.
 */
final class SocketSide {
    private final boolean peerSide;
    private final OutboundQueue queue = new OutboundQueue();
    private SocketChannel channel;
    private SelectionKey key;
    /** The TCP connect is in progress: nothing is written or read yet. */
    private boolean connecting;
    private boolean shutdownPending;

    /** @param peerSide the socket towards the peer (else towards the client) */
    SocketSide(boolean peerSide) {
        this.peerSide = peerSide;
    }

    /** The socket towards the peer (else towards the client). */
    boolean peerSide() {
        return peerSide;
    }

    /** Takes {@code channel} as this side's socket; {@code connecting}: its TCP connect is still to be made. */
    void attach(SocketChannel channel, boolean connecting) {
        this.channel = channel;
        this.key = null;
        this.connecting = connecting;
    }

    /** Registers the attached socket with {@code selector}, for {@code ops}, with {@code handler} attached. */
    void register(Selector selector, int ops, EventLoop.Handler handler) throws IOException {
        key = channel.register(selector, ops, handler);
    }

    /** Closes the socket and forgets it and what was queued for it (the peer side, before a new dial). */
    void detach() {
        if (channel != null) {
            closeQuietly();
            channel = null;
            key = null;
            connecting = false;
            queue.clear();
            shutdownPending = false;
        }
    }

    /** Attached and its TCP connect done: bytes may flow. */
    boolean established() {
        return channel != null && !connecting;
    }

    boolean connecting() {
        return connecting;
    }

    void connected() {
        connecting = false;
    }

    SocketChannel channel() {
        return channel;
    }

    OutboundQueue queue() {
        return queue;
    }

    /** The output is shut down (FIN) once everything queued before this call is written. */
    void shutdownOutputWhenFlushed() {
        shutdownPending = true;
    }

    /** Reads into {@code into}: bytes read, or -1 at end of stream. */
    int read(ByteBuffer into) throws IOException {
        return channel.read(into);
    }

    /** Reads what the socket has (into {@code buf}) and hands it, or its end, to the session; true if bytes came. */
    boolean readInto(RelaySession session, ByteBuffer buf) throws IOException {
        int n = read(buf);
        if (n < 0) {
            if (peerSide) {
                session.onPeerEof();
            } else {
                session.onClientEof();
            }
            return false;
        }
        if (n == 0) {
            return false;
        }
        buf.flip();
        if (peerSide) {
            session.onPeerBytes(buf);
        } else {
            session.onClientBytes(buf);
        }
        return true;
    }

    /** Writes what the socket takes now (the socket is writable); true if any byte went out. */
    boolean write() throws IOException {
        return queue.writeTo(channel) > 0;
    }

    /**
     * Writes what may be written now and a half-close that became due, once established; true if
     * any byte went out.
     */
    boolean flush() throws IOException {
        if (!established()) {
            return false;
        }
        boolean wrote = queue.canWrite() && channel.isOpen() && write();
        if (shutdownPending && queue.isEmpty()) {
            shutdownPending = false;
            channel.shutdownOutput();
        }
        return wrote;
    }

    void interestOps(int ops) {
        if (key != null && key.isValid()) {
            key.interestOps(ops);
        }
    }

    /** Nothing is left to flush: the queue is empty, or the socket cannot take it (not connected, closed). */
    boolean nothingToFlush() {
        return queue.isEmpty() || !established() || !channel.isOpen();
    }

    void closeQuietly() {
        if (channel != null) {
            Quietly.close(channel);
        }
    }
}
