package org.bip324proxy.testsupport;

import java.io.IOException;
import java.net.Inet4Address;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameDecoder;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v1.V1Protocol;
import org.bip324proxy.v1.V1ProtocolException;

/**
 * A plain v1 P2P client over a blocking socket, for tests. Reads honour the timeout (a plain
 * {@link Socket}: a SocketChannel's own stream would ignore SO_TIMEOUT and could block forever).
 */
public final class V1TestClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final V1FrameEncoder encoder;
    private final V1FrameDecoder decoder;
    private final ByteBuffer readBuf = ByteBuffer.allocate(65536);

    public V1TestClient(InetSocketAddress proxy, Network network, Duration timeout) throws IOException {
        this(proxy, network, timeout, 0);
    }

    /**
     * @param receiveBuffer SO_RCVBUF in bytes (fixed, so the kernel does not grow it), or 0 for the
     *     kernel's automatic sizing
     */
    public V1TestClient(InetSocketAddress proxy, Network network, Duration timeout, int receiveBuffer) throws IOException {
        this(connect(proxy, null, timeout, receiveBuffer), network, timeout);
    }

    /** Connects from {@code source} (any port), e.g. so that a test's NAT rule matches only this client. */
    public V1TestClient(InetSocketAddress proxy, java.net.InetAddress source, Network network, Duration timeout)
            throws IOException {
        this(connect(proxy, source, timeout, 0), network, timeout);
    }

    /** A client over a socket already connected (e.g. through a SOCKS5 handshake). */
    public V1TestClient(Socket connected, Network network, Duration timeout) throws IOException {
        socket = connected;
        socket.setSoTimeout((int) timeout.toMillis());
        in = socket.getInputStream();
        out = socket.getOutputStream();
        encoder = new V1FrameEncoder(network);
        decoder = new V1FrameDecoder(network, 0);
        readBuf.flip();
    }

    private static Socket connect(InetSocketAddress proxy, java.net.InetAddress source, Duration timeout, int receiveBuffer)
            throws IOException {
        Socket socket = new Socket();
        if (source != null) {
            socket.bind(new InetSocketAddress(source, 0));
        }
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setTcpNoDelay(true);
        socket.connect(proxy, (int) timeout.toMillis());
        return socket;
    }

    public void send(String command, byte[] payload) throws IOException {
        writeRaw(encoder.frame(command, payload));
    }

    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Half-closes: the proxy sees EOF from the client, replies can still be received. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** The next message; null on EOF. Throws SocketTimeoutException if nothing came in time. */
    public V1Message receive() throws IOException, V1ProtocolException {
        while (true) {
            V1Message m = decoder.next(readBuf);
            if (m != null) {
                return m;
            }
            readBuf.clear();
            int n = in.read(readBuf.array(), 0, readBuf.capacity());
            if (n < 0) {
                readBuf.limit(0);
                return null;
            }
            readBuf.limit(n);
        }
    }

    /** True if the proxy closed the connection (EOF) before the timeout, after any pending messages. */
    public boolean closedByProxy() throws IOException {
        try {
            while (true) {
                if (receive() == null) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (V1ProtocolException e) {
            throw new IOException(e);
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A VERSION header announcing {@code length} payload bytes (checksum zero: it is never reached). */
    public static byte[] versionHeader(Network network, int length) {
        ByteBuffer b = ByteBuffer.allocate(V1Protocol.HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(network.magic()).put("version\0\0\0\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putInt(length).putInt(0);
        return b.array();
    }

    /** A VERSION payload (protocol 70016) with the given addr_recv and user agent. */
    public static byte[] versionPayload(InetSocketAddress addrRecv, String userAgent) {
        byte[] ua = userAgent.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(4 + 8 + 8 + 26 + 26 + 8 + 1 + ua.length + 4 + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(70016).putLong(1 | 8 | 1024).putLong(System.currentTimeMillis() / 1000);
        putAddress(b, addrRecv);
        putAddress(b, null);
        b.putLong(0x1234_5678_9abc_def0L);
        b.put((byte) ua.length).put(ua);
        b.putInt(800_000).put((byte) 1);
        return b.array();
    }

    private static void putAddress(ByteBuffer b, InetSocketAddress a) {
        b.putLong(1);
        byte[] ip = new byte[16];
        if (a != null) {
            byte[] raw = a.getAddress().getAddress();
            if (a.getAddress() instanceof Inet4Address) {
                ip[10] = (byte) 0xff;
                ip[11] = (byte) 0xff;
                System.arraycopy(raw, 0, ip, 12, 4);
            } else {
                ip = raw;
            }
        }
        b.put(ip);
        int port = a == null ? 0 : a.getPort();
        b.put((byte) (port >>> 8)).put((byte) port);
    }
}
