package org.bip324proxy.testsupport;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.crypto.EllSwiftKeyPair;
import org.bip324proxy.v2.PacketCipher;
import org.bip324proxy.v2.SessionKeys;
import org.bip324proxy.v2.V2Transport;

/**
 * A hand-rolled BIP324 responder for one connection, built directly on {@link PacketCipher}
 * because {@link V2Transport} always sends its version packet first: this one sends
 * {@code decoysBeforeVersion} decoy packets before its version packet (BIP324 allows it; the
 * first of them carries the garbage as associated data), then echoes every application packet.
 */
public final class DecoyFirstResponder implements AutoCloseable {
    private static final byte[] NO_AAD = new byte[0];

    private final ServerSocket server;
    private final byte[] magic;
    private final int decoysBeforeVersion;
    private final CompletableFuture<String> sessionId = new CompletableFuture<>();
    private final Thread thread;
    private volatile Socket accepted;

    public DecoyFirstResponder(byte[] magic, int decoysBeforeVersion) throws IOException {
        this.magic = magic.clone();
        this.decoysBeforeVersion = decoysBeforeVersion;
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serveOne, "decoy-first-responder");
        thread.setDaemon(true);
        thread.start();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Hex session id once the keys are derived (fails if the connection broke first). */
    public CompletableFuture<String> sessionId() {
        return sessionId;
    }

    private void serveOne() {
        try (Socket s = server.accept()) {
            accepted = s;
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            SecureRandom rng = new SecureRandom();
            EllSwiftKeyPair key = EllSwiftKeyPair.generate(rng);
            byte[] garbage = new byte[rng.nextInt(V2Transport.MAX_GARBAGE_LEN + 1)];
            rng.nextBytes(garbage);
            byte[] theirKey = new byte[V2Transport.KEY_LEN];
            in.readFully(theirKey);
            PacketCipher cipher = new PacketCipher(SessionKeys.derive(key.v2EcdhSecret(theirKey, false), magic), false,
                    AeadBackend.JDK);
            sessionId.complete(HexFormat.of().formatHex(cipher.sessionId()));
            out.write(key.encoding());
            out.write(garbage);
            out.write(cipher.sendGarbageTerminator());
            byte[] aad = garbage; // the first packet, decoy or not, authenticates our garbage (BIP324)
            for (int i = 0; i < decoysBeforeVersion; i++) {
                byte[] filler = new byte[i * 10];
                out.write(cipher.encrypt(filler, 0, filler.length, aad, true));
                aad = NO_AAD;
            }
            out.write(cipher.encrypt(new byte[0], 0, 0, aad, false)); // version packet
            out.flush();

            byte[] recvAad = readGarbage(in, cipher.recvGarbageTerminator());
            boolean versionSeen = false;
            while (true) {
                byte[] lengthField = new byte[PacketCipher.LENGTH_LEN];
                in.readFully(lengthField);
                int len = cipher.decryptLength(lengthField, 0);
                byte[] body = new byte[PacketCipher.HEADER_LEN + len + PacketCipher.TAG_LEN];
                in.readFully(body);
                int header = cipher.decryptInPlace(body, 0, len, recvAad);
                recvAad = NO_AAD;
                if (header < 0) {
                    throw new IOException("packet failed authentication");
                }
                if ((header & PacketCipher.IGNORE_BIT) != 0) {
                    continue;
                }
                if (!versionSeen) {
                    versionSeen = true;
                    continue;
                }
                out.write(cipher.encrypt(body, 1, len, NO_AAD, false));
                out.flush();
            }
        } catch (IOException e) {
            sessionId.completeExceptionally(e);
        }
    }

    /** Reads the initiator's garbage up to its terminator (at most 4095 + 16 bytes) and returns it. */
    private static byte[] readGarbage(DataInputStream in, byte[] terminator) throws IOException {
        byte[] seen = new byte[V2Transport.MAX_GARBAGE_LEN + terminator.length];
        int n = 0;
        while (true) {
            seen[n++] = in.readByte();
            if (n >= terminator.length && Arrays.equals(seen, n - terminator.length, n, terminator, 0, terminator.length)) {
                return Arrays.copyOf(seen, n - terminator.length);
            }
            if (n == seen.length) {
                throw new IOException("no garbage terminator from the initiator");
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Socket s = accepted;
        if (s != null) {
            s.close();
        }
    }
}
