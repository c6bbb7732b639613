package org.bip324proxy.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.bip324proxy.log.StackTop;
import org.bip324proxy.relay.DestinationPolicy;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.socks5.Socks5Exception;
import org.bip324proxy.socks5.Socks5Reply;
import org.bip324proxy.socks5.Socks5Server;

/**
 * A SOCKS5 client's connection until its CONNECT request is complete: greeting, authentication
 * and request through the sans-I/O {@link Socks5Server}, within the greeting timeout (slowloris).
 * Then the destination is checked and the socket handed to a {@link Connection}, which replies
 * once the peer is connected. Holds at most one 513-byte message and a few reply bytes. Sees its
 * owner only through {@link Socks5FrontHost}.
 */
final class Socks5Front implements EventLoop.Handler, EventLoop.FailureAware {
    private final long id;
    private final EventLoop loop;
    private final Socks5FrontHost host;
    private final SocketChannel client;
    private final InetSocketAddress clientAddress;
    private final DestinationPolicy.Listener listener;
    private final SelectionKey key;
    private final Socks5Server handshake;
    private final long deadline;
    private ByteBuffer unsent = ByteBuffer.allocate(0);
    private boolean done;
    private boolean closeWhenSent;

    Socks5Front(long id, EventLoop loop, Socks5FrontHost host, SocketChannel client, InetSocketAddress clientAddress,
            DestinationPolicy.Listener listener) throws IOException {
        this.id = id;
        this.listener = listener;
        this.loop = loop;
        this.host = host;
        this.client = client;
        this.clientAddress = clientAddress;
        this.handshake = new Socks5Server(host.socks5().users());
        this.deadline = System.nanoTime() + Nanos.of(host.socks5().greetingTimeout());
        this.key = client.register(loop.selector(), SelectionKey.OP_READ, this);
        host.log().event(org.bip324proxy.log.EventLog.Level.DEBUG, "socks5_accept").with("conn", id).with("client", Endpoints.format(clientAddress)).log();
    }

    @Override
    public void onReady(SelectionKey k) throws IOException {
        if (done) {
            return;
        }
        if (k.isWritable()) {
            flush();
        }
        if (!done && !closeWhenSent && k.isValid() && k.isReadable()) {
            read();
        }
    }

    /** A socket error refuses the client; a bug drops it at once, logged with its cause (the loop goes on). */
    @Override
    public void onFailure(Throwable e) {
        if (e instanceof IOException io) {
            refuse(ErrorText.of(io), null);
            return;
        }
        if (EventLoop.isFatal(e)) {
            throw (Error) e;
        }
        host.log().error("internal_error").with("conn", id).with("error", e.toString()).with("at", StackTop.of(e)).log();
        closeNow();
    }

    private void read() throws IOException {
        ByteBuffer buf = loop.readBuffer();
        int n = client.read(buf);
        try {
            if (n < 0) {
                handshake.onEof();
                refuse("client closed after its CONNECT request and before the reply", null);
                return;
            }
            buf.flip();
            boolean complete = handshake.receive(buf);
            send(handshake.takeOutput());
            if (complete) {
                requestComplete(buf);
            }
        } catch (Socks5Exception e) {
            refuse(e.getMessage(), null); // with the answer the RFCs give, already in the output
        }
    }

    private void requestComplete(ByteBuffer rest) {
        InetSocketAddress target = handshake.target();
        Optional<String> refusal = host.destinationRefusal(target, listener);
        if (refusal.isPresent()) {
            refuse(refusal.get(), target);
            return;
        }
        ByteBuffer early = ByteBuffer.allocate(rest.remaining()).put(rest).flip();
        done = true;
        try {
            host.connect(this, client, clientAddress, listener, new Socks5Handover(handshake, early));
        } catch (IOException e) {
            host.log().warn("accept_failed").with("conn", id).with("error", ErrorText.of(e)).log();
            done = false; // not handed over after all: close the socket and free the slot
            closeNow();
        }
    }

    /**
     * Refuses the client, logged first: it gets what the handshake still has to say (0xFF, auth
     * status 1, reply 0x07/0x08), or for a refused CONNECT target the reply 0x02.
     */
    private void refuse(String reason, InetSocketAddress target) {
        host.log().warn("socks5_refused").with("conn", id).with("client", Endpoints.format(clientAddress))
                .with("dest", target != null ? Endpoints.format(target) : null).with("reason", reason).log();
        send(handshake.takeOutput());
        if (handshake.state() == Socks5Server.State.REQUEST_RECEIVED) {
            send(handshake.reply(target != null ? Socks5Reply.NOT_ALLOWED : Socks5Reply.GENERAL_FAILURE, Socks5Server.UNSPECIFIED));
        }
        closeWhenSent = true;
        flushQuietly();
    }

    private void send(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        ByteBuffer joined = ByteBuffer.allocate(unsent.remaining() + bytes.length).put(unsent).put(bytes).flip();
        unsent = joined;
        flushQuietly();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (IOException e) {
            closeNow();
        }
    }

    private void flush() throws IOException {
        if (done) {
            return;
        }
        if (unsent.hasRemaining()) {
            client.write(unsent);
        }
        if (!unsent.hasRemaining() && closeWhenSent) {
            closeNow();
        } else if (key.isValid()) {
            key.interestOps((unsent.hasRemaining() ? SelectionKey.OP_WRITE : 0) | (closeWhenSent ? 0 : SelectionKey.OP_READ));
        }
    }

    /** Timer check on every loop tick: the greeting timeout, and a bound on sending a refusal. */
    void onTick(long now) {
        try {
            checkDeadline(now);
        } catch (RuntimeException | Error e) {
            onFailure(e);
        }
    }

    private void checkDeadline(long now) {
        if (!done && now - deadline > 0) {
            if (closeWhenSent) {
                closeNow();
            } else {
                refuse("no complete SOCKS5 greeting and CONNECT request within " + host.socks5().greetingTimeout().toMillis()
                        + " ms (" + handshake.state().name().toLowerCase(java.util.Locale.ROOT) + ")", null);
                if (!done) {
                    closeNow(); // a client that does not read gets no more time
                }
            }
        }
    }

    /** The proxy stops: drop a client still negotiating. */
    void stopForShutdown() {
        closeNow();
    }

    private void closeNow() {
        if (done) {
            return;
        }
        done = true;
        Quietly.close(client);
        host.frontClosed(this);
    }

    long id() {
        return id;
    }

    EventLoop loop() {
        return loop;
    }
}
