package org.bip324proxy.testsupport;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.v1.V1Protocol;
import org.bip324proxy.v2.MessageTypes;
import org.bip324proxy.v2.PacketCipher;
import org.bip324proxy.v2.V2Packet;
import org.bip324proxy.v2.V2ProtocolException;
import org.bip324proxy.v2.V2Transport;

/**
 * A BIP324 responder for tests, built on the project's own sans-I/O core with blocking sockets:
 * it answers {@code ping} with {@code pong} (same payload) and echoes every other message
 * unchanged. Options make it send decoys, choose its garbage length, corrupt its replies, send
 * unknown short IDs, close or stay silent instead of answering, or flood on request.
 *
 * <p>Flood: a {@value #FLOOD_COMMAND} message whose payload is two little-endian ints (count,
 * size) makes the peer send {@code count} {@value #FLOOD_REPLY_COMMAND} messages of {@code size}
 * bytes (byte {@code i} of message {@code k} is {@code k + i}), counted in {@link #floodBytesWritten()}.
 *
 * <p>Half-close: after a {@value #HALF_CLOSE_COMMAND} message the peer shuts its sending side and
 * only counts what still arrives ({@link #bytesAfterHalfClose()}). After {@value #TRUNCATE_COMMAND}
 * it sends the first half of one more packet and then shuts its sending side. After
 * {@value #HUGE_PREFIX_COMMAND} it sends the length and first 10 bytes of a maximum-size packet
 * and then nothing more, keeping the connection open (an attack on the receiver's memory).
 */
public final class V2EchoPeer implements AutoCloseable {
    public static final String FLOOD_COMMAND = "flood";
    public static final String FLOOD_REPLY_COMMAND = "tx";
    public static final String HALF_CLOSE_COMMAND = "halfclose";
    public static final String TRUNCATE_COMMAND = "truncate";
    public static final String HUGE_PREFIX_COMMAND = "hugeprefix";
    /** A short ID that no BIP324 implementation assigns (29..32 are reserved, 33+ unassigned). */
    public static final int UNKNOWN_SHORT_ID = 60;

    /** What the peer does with a connection. */
    public enum Behaviour {
        /** BIP324 responder that echoes. */
        ECHO,
        /** Closes as soon as the first bytes (the initiator's key) arrive, like a v1-only node. */
        CLOSE_ON_FIRST_BYTES,
        /** Resets (RST) as soon as the first bytes arrive. */
        RESET_ON_FIRST_BYTES,
        /** Reads and ignores everything, never answers (like a v1-only node waiting for a header). */
        SILENT
    }

    /** Knobs for hostile or unusual peers. */
    public record Options(byte[] magic, int garbageLength, boolean decoys, boolean tamperReplies,
            boolean unknownIds, Behaviour behaviour) {
        public static Options of(byte[] magic) {
            return new Options(magic, -1, false, false, false, Behaviour.ECHO);
        }

        public Options withGarbage(int n) {
            return new Options(magic, n, decoys, tamperReplies, unknownIds, behaviour);
        }

        /** A decoy right after the version packet and one before every reply. */
        public Options withDecoys() {
            return new Options(magic, garbageLength, true, tamperReplies, unknownIds, behaviour);
        }

        /** Every reply packet gets one bit of its tag flipped. */
        public Options tampering() {
            return new Options(magic, garbageLength, decoys, true, unknownIds, behaviour);
        }

        /** A packet with {@link #UNKNOWN_SHORT_ID} before every reply. */
        public Options withUnknownIds() {
            return new Options(magic, garbageLength, decoys, tamperReplies, true, behaviour);
        }

        public Options behaving(Behaviour b) {
            return new Options(magic, garbageLength, decoys, tamperReplies, unknownIds, b);
        }
    }

    private final ThreadPerConnectionServer server;
    private final Options options;
    private final SecureRandom rng = new SecureRandom();
    private final List<String> sessionIds = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final AtomicLong floodBytesWritten = new AtomicLong();
    private final AtomicLong bytesAfterHalfClose = new AtomicLong();

    public V2EchoPeer(Options options) throws IOException {
        this(options, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    public V2EchoPeer(Options options, InetSocketAddress bind) throws IOException {
        this.options = options;
        this.server = new ThreadPerConnectionServer(bind, "v2-echo-peer", this::serve);
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /** Hex session ids of completed handshakes, in order. */
    public List<String> sessionIds() {
        return sessionIds;
    }

    /** Protocol errors seen by the peer (e.g. authentication failures). */
    public List<String> errors() {
        return errors;
    }

    /** Payload bytes of flood replies written so far (written means handed to the socket). */
    public long floodBytesWritten() {
        return floodBytesWritten.get();
    }

    /** Contents bytes of the packets received after this peer shut its sending side. */
    public long bytesAfterHalfClose() {
        return bytesAfterHalfClose.get();
    }

    /** Connections accepted so far. */
    public int connections() {
        return server.accepted();
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            if (options.behaviour() != Behaviour.ECHO) {
                misbehave(socket);
                return;
            }
            int garbage = options.garbageLength() >= 0 ? options.garbageLength() : rng.nextInt(V2Transport.MAX_GARBAGE_LEN + 1);
            V2Transport t = V2Transport.create(V2Transport.Role.RESPONDER, options.magic(), rng, AeadBackend.JDK, 0, garbage);
            byte[] buf = new byte[65536];
            var in = socket.getInputStream();
            var out = new BufferedOutputStream(socket.getOutputStream(), 65536);
            boolean recorded = false;
            boolean halfClosed = false;
            int n;
            while ((n = in.read(buf)) > 0) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                List<byte[]> received = new ArrayList<>();
                V2Packet p;
                while ((p = t.receive(bb)) != null) {
                    received.add(Arrays.copyOfRange(p.array(), p.offset(), p.offset() + p.length()));
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
                    sessionIds.add(HexFormat.of().formatHex(t.sessionId()));
                }
                for (byte[] contents : received) {
                    if (halfClosed) {
                        bytesAfterHalfClose.addAndGet(contents.length);
                        continue;
                    }
                    String command = command(contents);
                    if (HALF_CLOSE_COMMAND.equals(command) || TRUNCATE_COMMAND.equals(command)) {
                        if (TRUNCATE_COMMAND.equals(command)) {
                            byte[] packet = t.encrypt(contents, 0, contents.length, false);
                            out.write(packet, 0, packet.length / 2);
                        }
                        out.flush();
                        socket.shutdownOutput();
                        halfClosed = true;
                        continue;
                    }
                    if (HUGE_PREFIX_COMMAND.equals(command)) {
                        byte[] huge = new byte[V2Transport.MAX_CONTENTS_LEN];
                        huge[0] = (byte) MessageTypes.shortId(FLOOD_REPLY_COMMAND);
                        out.write(t.encrypt(huge, 0, huge.length, false), 0, PacketCipher.LENGTH_LEN + 10);
                        out.flush();
                        halfClosed = true; // silent from now on: nothing can follow a partial packet
                        continue;
                    }
                    if (FLOOD_COMMAND.equals(command)) {
                        flood(t, contents, out);
                        continue;
                    }
                    if (options.decoys()) {
                        out.write(t.encrypt(new byte[7], 0, 7, true));
                    }
                    if (options.unknownIds()) {
                        byte[] unknown = {(byte) UNKNOWN_SHORT_ID, 1, 2, 3};
                        out.write(t.encrypt(unknown, 0, unknown.length, false));
                    }
                    byte[] reply = reply(contents);
                    byte[] packet = t.encrypt(reply, 0, reply.length, false);
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

    private void misbehave(Socket socket) throws IOException {
        var in = socket.getInputStream();
        byte[] buf = new byte[4096];
        if (in.read(buf) < 0) {
            return;
        }
        switch (options.behaviour()) {
            case CLOSE_ON_FIRST_BYTES -> { }
            case RESET_ON_FIRST_BYTES -> socket.setSoLinger(true, 0);
            case SILENT -> {
                while (in.read(buf) >= 0) {
                    // ignore everything until the other side gives up
                }
            }
            default -> throw new AssertionError(options.behaviour());
        }
    }

    private void flood(V2Transport t, byte[] request, OutputStream out) throws IOException {
        ByteBuffer args = ByteBuffer.wrap(request, request.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
        int count = args.getInt();
        int size = args.getInt();
        for (int k = 0; k < count; k++) {
            byte[] contents = new byte[1 + size];
            contents[0] = (byte) MessageTypes.shortId(FLOOD_REPLY_COMMAND);
            for (int i = 0; i < size; i++) {
                contents[1 + i] = (byte) (k + i);
            }
            out.write(t.encrypt(contents, 0, contents.length, false));
            if (size >= 1024) {
                out.flush(); // tiny messages go out when the stream's buffer fills: a syscall each would be slow
            }
            floodBytesWritten.addAndGet(size);
        }
        out.flush();
    }

    private static String command(byte[] contents) {
        return contents.length == 0 ? null
                : contents[0] != 0 ? MessageTypes.command(contents[0] & 0xff)
                : contents.length >= MessageTypes.LONG_FORM_LEN ? V1Protocol.parseCommand(contents, 1) : null;
    }

    /** ping → pong with the same payload; anything else is echoed unchanged. */
    private static byte[] reply(byte[] contents) {
        if ("ping".equals(command(contents))) {
            contents[0] = (byte) MessageTypes.shortId("pong");
        }
        return contents;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
