package org.bip324proxy.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameDecoder;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v1.V1Protocol;
import org.bip324proxy.v1.V1ProtocolException;
import org.bip324proxy.v2.MessageTypes;
import org.bip324proxy.v2.PacketCipher;
import org.bip324proxy.v2.V2Packet;
import org.bip324proxy.v2.V2ProtocolException;
import org.bip324proxy.v2.V2Transport;

/**
 * The far end of the benchmark: a single-threaded NIO Bitcoin peer speaking BIP324 (as responder)
 * or plain v1 (for the baseline). It echoes {@code version}, answers {@code ping} with
 * {@code pong}, answers {@code bulkreq} (payload: LE32 count, LE32 size) with that many
 * {@code block} messages, and silently consumes everything else.
 */
final class BenchPeer implements AutoCloseable {
    static final String BULK_REQUEST = "bulkreq";

    private final boolean v2;
    private final Network network;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final SecureRandom rng = new SecureRandom();
    private final List<String> sessionIds = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    BenchPeer(boolean v2, Network network) throws IOException {
        this.v2 = v2;
        this.network = network;
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::run, v2 ? "bench-peer-v2" : "bench-peer-v1");
        thread.setDaemon(true);
        thread.start();
    }

    /** The BIP324 session id of each v2 session whose VERSION arrived, in hex, in order. */
    List<String> sessionIds() {
        return List.copyOf(sessionIds);
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) server.getLocalAddress();
    }

    private void run() {
        ByteBuffer readBuf = ByteBuffer.allocateDirect(256 * 1024);
        while (running) {
            try {
                selector.select(100);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        SocketChannel ch;
                        while ((ch = server.accept()) != null) {
                            ch.configureBlocking(false);
                            ch.socket().setTcpNoDelay(true);
                            ch.register(selector, SelectionKey.OP_READ, new PeerConnection(ch));
                        }
                        continue;
                    }
                    PeerConnection c = (PeerConnection) key.attachment();
                    try {
                        if (key.isWritable()) {
                            c.flush();
                        }
                        if (key.isReadable()) {
                            readBuf.clear();
                            int n = c.channel.read(readBuf);
                            if (n < 0) {
                                c.channel.close();
                                continue;
                            }
                            readBuf.flip();
                            c.onBytes(readBuf);
                            c.flush();
                        }
                        if (c.channel.isOpen()) {
                            key.interestOps(c.hasOutput() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                        }
                    } catch (IOException | V1ProtocolException | V2ProtocolException e) {
                        c.channel.close();
                    }
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    /** One accepted connection: framing (v1 or v2) plus the reply queue. */
    private final class PeerConnection {
        final SocketChannel channel;
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        final V2Transport transport;
        final V1FrameDecoder v1Decoder;
        final V1FrameEncoder v1Encoder = new V1FrameEncoder(network);
        /** Blocks still to send for a bulk request, made one at a time as the socket drains. */
        int blocksPending;
        /** Block payload size of the current bulk request. */
        int blockSize;
        /**
         * v2: the array each block packet is encrypted in, in place (reused: a block is made only once
         * the previous one is fully written). v1: the block's frame, the same every time.
         */
        byte[] blockBuffer;

        PeerConnection(SocketChannel channel) {
            this.channel = channel;
            transport = v2 ? V2Transport.create(V2Transport.Role.RESPONDER, network.magic(), rng, AeadBackend.preferred(), 0) : null;
            v1Decoder = v2 ? null : new V1FrameDecoder(network, 0);
        }

        void onBytes(ByteBuffer in) throws V1ProtocolException, V2ProtocolException {
            if (v2) {
                V2Packet p;
                while ((p = transport.receive(in)) != null) {
                    byte[] a = p.array();
                    int first = a[p.offset()] & 0xff;
                    String command = first != 0 ? MessageTypes.command(first) : V1Protocol.parseCommand(a, p.offset() + 1);
                    int payloadOff = p.offset() + (first != 0 ? 1 : MessageTypes.LONG_FORM_LEN);
                    onMessage(command, a, payloadOff, p.offset() + p.length() - payloadOff);
                }
                byte[] hs = transport.takeOutput();
                if (hs.length > 0) {
                    out.addFirst(ByteBuffer.wrap(hs));
                }
            } else {
                V1Message m;
                while ((m = v1Decoder.next(in)) != null) {
                    onMessage(m.command(), m.array(), m.offset(), m.length());
                }
            }
        }

        void onMessage(String command, byte[] a, int off, int len) {
            if (command == null) {
                return;
            }
            switch (command) {
                case "version" -> {
                    if (v2) { // a v2 VERSION arrives only after the handshake completed
                        sessionIds.add(HexFormat.of().formatHex(transport.sessionId()));
                    }
                    send("version", a, off, len);
                }
                case "ping" -> send("pong", a, off, len);
                case BULK_REQUEST -> {
                    ByteBuffer req = ByteBuffer.wrap(a, off, len).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    blocksPending = req.getInt();
                    blockSize = req.getInt();
                    blockBuffer = v2 ? new byte[PacketCipher.EXPANSION + MessageTypes.LONG_FORM_LEN + blockSize]
                            : v1Encoder.frame("block", new byte[blockSize]);
                }
                default -> { }
            }
        }

        void send(String command, byte[] a, int off, int len) {
            if (v2) {
                int typeLen = MessageTypes.encodedLength(command);
                byte[] contents = new byte[typeLen + len];
                MessageTypes.writeBefore(command, contents, typeLen);
                System.arraycopy(a, off, contents, typeLen, len);
                out.add(ByteBuffer.wrap(transport.encrypt(contents, 0, contents.length, false)));
            } else {
                out.add(ByteBuffer.wrap(v1Encoder.frame(command, a, off, len)));
            }
        }

        /** The next block of zeros, framed (v1) or encrypted (v2) for sending. */
        ByteBuffer nextBlock() {
            if (!v2) {
                return ByteBuffer.wrap(blockBuffer);
            }
            int payloadOff = blockBuffer.length - PacketCipher.TAG_LEN - blockSize;
            Arrays.fill(blockBuffer, payloadOff, payloadOff + blockSize, (byte) 0); // ciphertext of the last one
            int typeOff = MessageTypes.writeBefore("block", blockBuffer, payloadOff);
            int packetOff = transport.encryptInPlace(blockBuffer, typeOff, payloadOff + blockSize - typeOff, false);
            return ByteBuffer.wrap(blockBuffer, packetOff, blockBuffer.length - packetOff);
        }

        boolean hasOutput() {
            return !out.isEmpty() || blocksPending > 0;
        }

        /**
         * Writes what the socket takes. Bulk blocks are framed (and encrypted) only when the queue is
         * empty, so the peer streams them as a real node would instead of encrypting the whole
         * request up front (which would serialise its work before the proxy's and hold it all in memory).
         */
        void flush() throws IOException {
            while (hasOutput()) {
                if (out.isEmpty()) {
                    blocksPending--;
                    out.add(nextBlock());
                }
                ByteBuffer b = out.peekFirst();
                channel.write(b);
                if (b.hasRemaining()) {
                    return;
                }
                out.pollFirst();
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey k : selector.keys()) {
            k.channel().close();
        }
        selector.close();
    }
}
