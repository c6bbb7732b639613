package org.bip324proxy.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.bip324proxy.testsupport.ThreadPerConnectionServer;

/** A plain TCP echo server (no Bitcoin protocol at all): echoes bytes until EOF, then closes. */
final class RawEchoServer implements AutoCloseable {

    private final ThreadPerConnectionServer server;

    /** Binds now; call from inside the namespace the server belongs to. */
    RawEchoServer(InetSocketAddress bind) throws IOException {
        server = new ThreadPerConnectionServer(bind, "raw-echo", RawEchoServer::echo);
    }

    /** Connections accepted so far. */
    int connections() {
        return server.accepted();
    }

    private static void echo(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            in.transferTo(out);
            s.shutdownOutput();
        } catch (IOException e) {
            // client went away
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
