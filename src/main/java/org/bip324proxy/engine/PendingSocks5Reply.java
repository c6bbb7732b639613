package org.bip324proxy.engine;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.bip324proxy.socks5.Socks5Reply;
import org.bip324proxy.socks5.Socks5Server;

/**
 * The reply a SOCKS5 client waits for after its CONNECT request (RFC 1928 §6), and the bytes it
 * sent behind the request: "succeeded" once the peer is connected, else the failure code the last
 * connect error chose, sent when the connection closes. For other clients it does nothing.
 */
final class PendingSocks5Reply {
    private final OutboundQueue toClient;
    /** The client's handshake while its reply is due; null once sent, or not a SOCKS5 client. */
    private Socks5Server due;
    private ByteBuffer earlyBytes;
    /** The reply code the client gets if the connection closes before the peer is connected. */
    private Socks5Reply failure = Socks5Reply.GENERAL_FAILURE;

    PendingSocks5Reply(OutboundQueue toClient, Optional<Socks5Handover> socks) {
        this.toClient = toClient;
        this.due = socks.map(Socks5Handover::handshake).orElse(null);
        this.earlyBytes = socks.map(Socks5Handover::earlyBytes).orElse(null);
    }

    /** The code to reply with should the connection close before the peer is connected. */
    void failWith(Socks5Reply code) {
        failure = code;
    }

    /** A SOCKS5 client still waits for its reply. */
    boolean due() {
        return due != null;
    }

    /** The peer is connected: "succeeded" with the address the connection to it is bound to. */
    void succeeded(InetSocketAddress bound) {
        send(Socks5Reply.SUCCEEDED, bound);
    }

    /** The connection closes: the failure, if no reply was sent yet. */
    void closing() {
        send(failure, Socks5Server.UNSPECIFIED);
    }

    private void send(Socks5Reply code, InetSocketAddress bound) {
        if (due != null) {
            toClient.add(ByteBuffer.wrap(due.reply(code, bound)));
            due = null;
        }
    }

    /** What the client sent after its request, once; empty for other clients and afterwards. */
    Optional<ByteBuffer> takeEarlyBytes() {
        ByteBuffer early = earlyBytes;
        earlyBytes = null;
        return Optional.ofNullable(early).filter(ByteBuffer::hasRemaining);
    }
}
