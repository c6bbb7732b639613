package org.bip324proxy.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A blocking TCP server for test peers: one daemon thread accepts, one daemon thread per
 * connection runs {@code serve}; {@link #close()} closes the listener and every accepted socket.
 */
public final class ThreadPerConnectionServer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger accepted = new AtomicInteger();

    /**
     * Binds now (from inside a network namespace, call it there) and starts accepting.
     *
     * @param name the accepting thread's name; connection threads get {@code name + "-conn"}
     */
    public ThreadPerConnectionServer(InetSocketAddress bind, String name, Consumer<Socket> serve) throws IOException {
        server = new ServerSocket();
        server.bind(bind);
        Thread acceptor = new Thread(() -> acceptLoop(name, serve), name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A server on an ephemeral loopback port. */
    public static ThreadPerConnectionServer onLoopback(String name, Consumer<Socket> serve) throws IOException {
        return new ThreadPerConnectionServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), name, serve);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    private void acceptLoop(String name, Consumer<Socket> serve) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                accepted.incrementAndGet();
                Thread t = new Thread(() -> serve.accept(s), name + "-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
