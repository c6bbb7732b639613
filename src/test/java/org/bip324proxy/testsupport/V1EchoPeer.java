package org.bip324proxy.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameDecoder;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v1.V1ProtocolException;

/**
 * A v1-only node for tests: echoes v1 messages (ping → pong). A connection whose first bytes are
 * not this network's magic (e.g. a BIP324 key) is either closed at once or left hanging silently,
 * the two ways real v1-only nodes react to a BIP324 handshake.
 */
public final class V1EchoPeer implements AutoCloseable {
    /** What happens to a connection that does not start with the network magic. */
    public enum OnForeignBytes { CLOSE, STAY_SILENT }

    private final ThreadPerConnectionServer server;
    private final Network network;
    private final OnForeignBytes onForeign;
    private final AtomicInteger foreignConnections = new AtomicInteger();
    private final AtomicInteger v1Connections = new AtomicInteger();
    private final List<InetSocketAddress> peerAddresses = new CopyOnWriteArrayList<>();

    public V1EchoPeer(Network network, OnForeignBytes onForeign) throws IOException {
        this(network, onForeign, new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
    }

    /** Listening on {@code bind} (from inside a network namespace, create it there). */
    public V1EchoPeer(Network network, OnForeignBytes onForeign, InetSocketAddress bind) throws IOException {
        this.network = network;
        this.onForeign = onForeign;
        server = new ThreadPerConnectionServer(bind, "v1-echo-peer", this::serve);
    }

    /** The remote address of every connection accepted so far, as the node sees its peers. */
    public List<InetSocketAddress> peerAddresses() {
        return List.copyOf(peerAddresses);
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /** Connections that started with something other than a v1 header (e.g. a BIP324 key). */
    public int foreignConnections() {
        return foreignConnections.get();
    }

    /** Connections that spoke v1. */
    public int v1Connections() {
        return v1Connections.get();
    }

    private void serve(Socket socket) {
        try (socket) {
            peerAddresses.add((InetSocketAddress) socket.getRemoteSocketAddress());
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            byte[] magic = in.readNBytes(4);
            if (!Arrays.equals(magic, network.magic())) {
                foreignConnections.incrementAndGet();
                if (onForeign == OnForeignBytes.STAY_SILENT) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
                return;
            }
            v1Connections.incrementAndGet();
            V1FrameDecoder decoder = new V1FrameDecoder(network, 0);
            V1FrameEncoder encoder = new V1FrameEncoder(network);
            var out = socket.getOutputStream();
            decoder.next(ByteBuffer.wrap(magic));
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                V1Message m;
                while ((m = decoder.next(bb)) != null) {
                    String command = m.isCommand("ping") ? "pong" : m.command();
                    out.write(encoder.frame(command, m.copyPayload()));
                }
                out.flush();
            }
        } catch (IOException | V1ProtocolException e) {
            // connection over
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
