package org.bip324proxy.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bip324proxy.socks5.Socks5Exception;
import org.bip324proxy.socks5.Socks5Reply;
import org.bip324proxy.socks5.Socks5Server;
import org.bip324proxy.socks5.Socks5Users;

/**
 * A minimal upstream SOCKS5 proxy (a stand-in for Tor) on loopback: it records every CONNECT
 * target and username, connects to the target (names are looked up in a fixed map, never in DNS)
 * and relays bytes both ways. Targets it cannot reach get reply 0x04.
 */
public final class RecordingSocks5Proxy implements AutoCloseable {
    /** One CONNECT as the proxy received it. */
    public record Request(InetSocketAddress target, String username) {}

    private final Map<String, InetSocketAddress> names;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ThreadPerConnectionServer server;

    /** @param names what domain names (e.g. {@code x.onion}) stand for */
    public RecordingSocks5Proxy(Map<String, InetSocketAddress> names) throws IOException {
        this.names = Map.copyOf(names);
        this.server = ThreadPerConnectionServer.onLoopback("upstream-socks5", this::serve);
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void serve(Socket client) {
        try (client) {
            Socks5Server handshake = new Socks5Server(Socks5Users.ANYONE);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                boolean complete = handshake.receive(ByteBuffer.wrap(new byte[] {(byte) b}));
                out.write(handshake.takeOutput());
                if (complete) {
                    break;
                }
            }
            InetSocketAddress target = handshake.target();
            requests.add(new Request(target, handshake.username().orElse(null)));
            InetSocketAddress real = target.isUnresolved() ? names.get(target.getHostString()) : target;
            Socket onward = new Socket();
            try (onward) {
                try {
                    onward.connect(real == null ? new InetSocketAddress("127.0.0.1", 1) : real, 10_000);
                } catch (IOException e) {
                    out.write(handshake.reply(Socks5Reply.HOST_UNREACHABLE, Socks5Server.UNSPECIFIED));
                    return;
                }
                out.write(handshake.reply(Socks5Reply.SUCCEEDED, Socks5Server.UNSPECIFIED));
                Thread back = new Thread(() -> pump(onward, client), "upstream-socks5-back");
                back.start();
                pump(client, onward);
                back.join(10_000);
            }
        } catch (IOException | Socks5Exception e) {
            // the test sees the consequences on its own sockets
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buf = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                to.getOutputStream().write(buf, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed; the other pump ends too
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
