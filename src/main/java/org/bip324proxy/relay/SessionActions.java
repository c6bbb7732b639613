package org.bip324proxy.relay;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.bip324proxy.v1.DeferredChecksum;

/** What a {@link ProxySession} asks its engine to do. Calls happen inside the session's events. */
public interface SessionActions {
    /** Queue bytes for the client; the buffer (position..limit) now belongs to the engine. */
    void sendToClient(ByteBuffer bytes);

    /** Queue bytes for the peer; the buffer now belongs to the engine. */
    void sendToPeer(ByteBuffer bytes);

    /**
     * Queue a frame for the client whose checksum {@code checksum} still has to write; the engine
     * may run it on another thread, and writes neither the frame nor anything queued after it
     * before it has run.
     */
    void sendToClientAfter(ByteBuffer bytes, DeferredChecksum checksum);

    /**
     * Queue a packet for the peer that carries a client message whose checksum {@code check} still
     * has to verify; the engine may run it on another thread, and writes neither the packet nor
     * anything queued after it before it passed. If it fails, the engine drops the packet and
     * everything queued after it and reports {@link ProxySession#onClientChecksumFailed}.
     */
    void sendToPeerAfter(ByteBuffer bytes, DeferredChecksum check);

    /**
     * Connect to {@code address}, dropping any current peer connection (and its queued bytes);
     * report with {@link ProxySession#onPeerConnected} or {@link ProxySession#onPeerConnectFailed}.
     */
    void connectPeer(InetSocketAddress address);

    /** Once the peer's queue is written, shut down its output (TCP FIN): the client finished. */
    void shutdownPeerOutput();

    /** Once the client's queue is written, shut down its output: the peer finished. */
    void shutdownClientOutput();

    /** Write what is queued (within a bounded time), then close both sockets. */
    void close();
}
