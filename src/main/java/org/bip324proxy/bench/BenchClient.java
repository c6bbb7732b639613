package org.bip324proxy.bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameDecoder;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v1.V1ProtocolException;

/** A blocking v1 client for the benchmark: VERSION handshake, sending, receiving. */
final class BenchClient implements AutoCloseable {
    private final SocketChannel channel;
    private final V1FrameEncoder encoder;
    private final V1FrameDecoder decoder;
    private final ByteBuffer in;

    /** @param readBufferSize bytes read per call: large for bulk clients, small for idle ones */
    BenchClient(InetSocketAddress connectTo, Network network, int readBufferSize) throws IOException {
        in = ByteBuffer.allocate(readBufferSize);
        channel = SocketChannel.open(connectTo);
        channel.socket().setTcpNoDelay(true);
        encoder = new V1FrameEncoder(network);
        decoder = new V1FrameDecoder(network, 0);
        in.flip();
    }

    /** Sends VERSION (addr_recv = {@code peer}) and waits for the peer's VERSION. */
    void handshake(InetSocketAddress peer) throws IOException {
        send("version", versionPayload(peer));
        expect("version");
    }

    void send(String command, byte[] payload) throws IOException {
        write(encoder.frame(command, payload));
    }

    /** The framed bytes of a message, to batch many into one write. */
    byte[] frame(String command, byte[] payload) {
        return encoder.frame(command, payload);
    }

    /** The framed bytes of a message in a direct buffer, which the socket takes without a copy. */
    ByteBuffer directFrame(String command, byte[] payload) {
        byte[] f = encoder.frame(command, payload);
        return ByteBuffer.allocateDirect(f.length).put(f).flip();
    }

    void write(byte[] bytes) throws IOException {
        write(ByteBuffer.wrap(bytes));
    }

    void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /**
     * Receives the next {@code expected.length} bytes and checks they are exactly {@code expected}
     * (a whole frame, checksum included), without hashing. Call only between messages.
     */
    void expectExactly(byte[] expected) throws IOException {
        if (!decoder.atMessageBoundary()) {
            throw new IllegalStateException("in the middle of a message");
        }
        int matched = 0;
        while (matched < expected.length) {
            if (!in.hasRemaining()) {
                in.clear();
                int n = channel.read(in);
                in.flip();
                if (n < 0) {
                    throw new EOFException("connection closed by the proxy after " + matched + " of "
                            + expected.length + " expected bytes");
                }
                continue;
            }
            int n = Math.min(in.remaining(), expected.length - matched);
            int at = in.arrayOffset() + in.position();
            int diff = Arrays.mismatch(in.array(), at, at + n, expected, matched, matched + n);
            if (diff >= 0) {
                throw new IOException("byte " + (matched + diff) + " of a " + expected.length
                        + "-byte frame differs from what was sent");
            }
            in.position(in.position() + n);
            matched += n;
        }
    }

    V1Message receive() throws IOException {
        try {
            while (true) {
                V1Message m = decoder.next(in);
                if (m != null) {
                    return m;
                }
                in.clear();
                int n = channel.read(in);
                in.flip();
                if (n < 0) {
                    throw new EOFException("connection closed by the proxy");
                }
            }
        } catch (V1ProtocolException e) {
            throw new IOException("bad v1 data from the proxy: " + e.getMessage(), e);
        }
    }

    V1Message expect(String command) throws IOException {
        V1Message m = receive();
        if (!m.command().equals(command)) {
            throw new IOException("expected '" + command + "', got '" + m.command() + "'");
        }
        return m;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    static byte[] versionPayload(InetSocketAddress addrRecv) {
        byte[] ua = "/bip324-proxy-bench:1/".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(4 + 8 + 8 + 26 + 26 + 8 + 1 + ua.length + 4 + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(70016).putLong(1).putLong(System.currentTimeMillis() / 1000);
        b.putLong(1);
        byte[] ip = new byte[16];
        if (addrRecv.getAddress() instanceof Inet4Address) {
            ip[10] = (byte) 0xff;
            ip[11] = (byte) 0xff;
            System.arraycopy(addrRecv.getAddress().getAddress(), 0, ip, 12, 4);
        } else {
            ip = addrRecv.getAddress().getAddress();
        }
        b.put(ip).put((byte) (addrRecv.getPort() >>> 8)).put((byte) addrRecv.getPort());
        b.putLong(0).put(new byte[16]).putShort((short) 0);
        b.putLong(42).put((byte) ua.length).put(ua).putInt(0).put((byte) 1);
        return b.array();
    }
}
