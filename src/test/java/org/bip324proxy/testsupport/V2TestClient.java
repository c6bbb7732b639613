package org.bip324proxy.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HexFormat;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.v2.V2Packet;
import org.bip324proxy.v2.V2ProtocolException;
import org.bip324proxy.v2.V2Transport;

/**
 * A BIP324 initiator over a blocking socket, as a stock v2 node dials: {@link V2Transport} in the
 * initiator role with fresh key and garbage. Sends and receives packet contents (message type and
 * payload).
 */
public final class V2TestClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final V2Transport transport;
    private final ArrayDeque<byte[]> received = new ArrayDeque<>();
    private final byte[] buf = new byte[65536];

    /** Connects and completes the handshake (our version packet sent, the responder's received). */
    public V2TestClient(InetSocketAddress address, byte[] magic, Duration timeout) throws IOException, V2ProtocolException {
        socket = new Socket();
        socket.connect(address, (int) timeout.toMillis());
        socket.setSoTimeout((int) timeout.toMillis());
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        transport = V2Transport.create(V2Transport.Role.INITIATOR, magic, new SecureRandom(), AeadBackend.JDK, 0);
        out.write(transport.takeOutput());
        while (!transport.isHandshakeComplete()) {
            if (!readSome()) {
                throw new IOException("the responder closed during the handshake");
            }
        }
    }

    /** The BIP324 session id in hex. */
    public String sessionId() {
        return HexFormat.of().formatHex(transport.sessionId());
    }

    public void send(byte[] contents) throws IOException {
        out.write(transport.encrypt(contents, 0, contents.length, false));
    }

    /** The next application packet's contents, or null if the responder closed first. */
    public byte[] receive() throws IOException, V2ProtocolException {
        while (received.isEmpty()) {
            if (!readSome()) {
                return null;
            }
        }
        return received.poll();
    }

    private boolean readSome() throws IOException, V2ProtocolException {
        int n = in.read(buf);
        if (n < 0) {
            return false;
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        V2Packet p;
        while ((p = transport.receive(bb)) != null) {
            received.add(Arrays.copyOfRange(p.array(), p.offset(), p.offset() + p.length()));
        }
        byte[] handshake = transport.takeOutput();
        if (handshake.length > 0) {
            out.write(handshake);
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        transport.destroy();
        socket.close();
    }
}
