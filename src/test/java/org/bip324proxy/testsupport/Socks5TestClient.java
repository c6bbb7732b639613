package org.bip324proxy.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import org.bip324proxy.socks5.Socks5Client;
import org.bip324proxy.socks5.Socks5Exception;

/** A SOCKS5 CONNECT over a blocking socket, driven by the project's sans-I/O {@link Socks5Client}. */
public final class Socks5TestClient {
    private Socks5TestClient() {}

    /**
     * Connects to {@code proxy} and asks it for {@code target}; returns the socket, connected
     * through, with any bytes after the reply unread.
     *
     * @throws Socks5Exception when the proxy refused (its reply code in {@link Socks5Exception#reply()})
     */
    public static Socket connect(InetSocketAddress proxy, InetSocketAddress target, Optional<Socks5Client.Credentials> credentials,
            Duration timeout) throws IOException, Socks5Exception {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(proxy, (int) timeout.toMillis());
        socket.setSoTimeout((int) timeout.toMillis());
        Socks5Client handshake = new Socks5Client(target, credentials);
        InputStream in = socket.getInputStream();
        try {
            while (true) {
                socket.getOutputStream().write(handshake.takeOutput());
                int b = in.read(); // one byte at a time, so nothing after the reply is consumed
                if (b < 0) {
                    handshake.onEof();
                }
                if (handshake.receive(ByteBuffer.wrap(new byte[] {(byte) b}))) {
                    return socket;
                }
            }
        } catch (IOException | Socks5Exception | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
