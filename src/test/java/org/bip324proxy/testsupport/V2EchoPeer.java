package org.bip324proxy.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.v1.V1Protocol;
import org.bip324proxy.v2.MessageTypes;
import org.bip324proxy.v2.V2Packet;
import org.bip324proxy.v2.V2ProtocolException;
import org.bip324proxy.v2.V2Transport;

/**
 * A BIP324 responder for tests, built on the project's own sans-I/O core with blocking sockets:
 * it answers {@code ping} with {@code pong} (same payload) and echoes every other message
 * unchanged. Options make it send decoys, choose its garbage length, or corrupt its replies.
 */
public final class V2EchoPeer implements AutoCloseable {
    /** Knobs for hostile or unusual peers. */
    public record Options(byte[] magic, int garbageLength, boolean decoys, boolean tamperReplies) {
        public static Options of(byte[] magic) {
            return new Options(magic, -1, false, false);
        }

        public Options withGarbage(int n) {
            return new Options(magic, n, decoys, tamperReplies);
        }

        public Options withDecoys() {
            return new Options(magic, garbageLength, true, tamperReplies);
        }

        public Options tampering() {
            return new Options(magic, garbageLength, decoys, true);
        }
    }

    private final ServerSocket server;
    private final Options options;
    private final SecureRandom rng = new SecureRandom();
    private final List<String> sessionIds = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private final Thread acceptor;

    public V2EchoPeer(Options options) throws IOException {
        this(options, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    public V2EchoPeer(Options options, InetSocketAddress bind) throws IOException {
        this.options = options;
        this.server = new ServerSocket();
        server.bind(bind);
        acceptor = new Thread(this::acceptLoop, "v2-echo-peer");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Hex session ids of completed handshakes, in order. */
    public List<String> sessionIds() {
        return sessionIds;
    }

    /** Protocol errors seen by the peer (e.g. authentication failures). */
    public List<String> errors() {
        return errors;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "v2-echo-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            int garbage = options.garbageLength() >= 0 ? options.garbageLength() : rng.nextInt(V2Transport.MAX_GARBAGE_LEN + 1);
            V2Transport t = V2Transport.create(V2Transport.Role.RESPONDER, options.magic(), rng, AeadBackend.JDK, 0, garbage);
            byte[] buf = new byte[65536];
            var in = socket.getInputStream();
            var out = socket.getOutputStream();
            boolean recorded = false;
            int n;
            while ((n = in.read(buf)) > 0) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                List<byte[]> replies = new ArrayList<>();
                V2Packet p;
                while ((p = t.receive(bb)) != null) {
                    replies.add(reply(p));
                }
                byte[] hs = t.takeOutput();
                if (hs.length > 0) {
                    out.write(hs);
                }
                if (t.canSend() && options.decoys() && hs.length > 0) {
                    out.write(t.encrypt(new byte[rng.nextInt(100)], 0, 0, true));
                }
                if (t.isHandshakeComplete() && !recorded) {
                    recorded = true;
                    sessionIds.add(java.util.HexFormat.of().formatHex(t.sessionId()));
                }
                for (byte[] contents : replies) {
                    if (options.decoys()) {
                        out.write(t.encrypt(new byte[7], 0, 7, true));
                    }
                    byte[] packet = t.encrypt(contents, 0, contents.length, false);
                    if (options.tamperReplies()) {
                        packet[packet.length - 1] ^= 1;
                    }
                    out.write(packet);
                }
                out.flush();
            }
        } catch (IOException e) {
            // client went away
        } catch (V2ProtocolException e) {
            errors.add(e.getMessage());
        }
    }

    /** ping → pong with the same payload; anything else is echoed unchanged. */
    private static byte[] reply(V2Packet p) {
        byte[] contents = java.util.Arrays.copyOfRange(p.array(), p.offset(), p.offset() + p.length());
        String command = contents.length == 0 ? null
                : contents[0] != 0 ? MessageTypes.command(contents[0] & 0xff)
                : contents.length >= MessageTypes.LONG_FORM_LEN ? V1Protocol.parseCommand(contents, 1) : null;
        if ("ping".equals(command)) {
            contents[0] = (byte) MessageTypes.shortId("pong");
        }
        return contents;
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
