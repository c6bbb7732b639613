package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HexFormat;
import java.util.Optional;
import org.bip324proxy.socks5.Socks5Exception;
import org.bip324proxy.socks5.Socks5Reply;
import org.bip324proxy.socks5.Socks5Server;
import org.bip324proxy.socks5.Socks5Users;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A SOCKS5 client's reply (RFC 1928 §6) is sent once: success, or the failure code last chosen. */
@Tag("fast")
class PendingSocks5ReplyTest {
    private final OutboundQueue toClient = new OutboundQueue();

    private static Socks5Handover handover(byte[] early) throws Socks5Exception {
        Socks5Server server = new Socks5Server(Socks5Users.ANYONE);
        // no-auth greeting, then CONNECT 127.0.0.1:8333
        assertTrue(server.receive(ByteBuffer.wrap(HexFormat.of().parseHex("050100" + "05010001" + "7f000001" + "208d"))));
        server.takeOutput();
        return new Socks5Handover(server, ByteBuffer.wrap(early));
    }

    /** What the queue writes, read back through a loopback connection (it writes to socket channels). */
    private byte[] queued() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                SocketChannel writer = SocketChannel.open(server.getLocalAddress());
                SocketChannel reader = server.accept()) {
            ByteBuffer got = ByteBuffer.allocate((int) toClient.bytes());
            toClient.writeTo(writer);
            while (got.hasRemaining() && reader.read(got) >= 0) {
                // a few bytes: they arrive at once on loopback
            }
            return got.array();
        }
    }

    /** The reply another client with the same request would get. */
    private static byte[] reply(Socks5Reply code) throws Socks5Exception {
        return handover(new byte[0]).handshake().reply(code, Socks5Server.UNSPECIFIED);
    }

    @Test
    void otherClientsGetNothing() {
        PendingSocks5Reply none = new PendingSocks5Reply(toClient, Optional.empty());
        assertFalse(none.due());
        none.failWith(Socks5Reply.HOST_UNREACHABLE);
        none.closing();
        assertTrue(toClient.isEmpty());
        assertTrue(none.takeEarlyBytes().isEmpty());
    }

    @Test
    void aCloseBeforeTheConnectRepliesTheLastFailureOnce() throws IOException, Socks5Exception {
        PendingSocks5Reply pending = new PendingSocks5Reply(toClient, Optional.of(handover(new byte[0])));
        assertTrue(pending.due());
        pending.failWith(Socks5Reply.CONNECTION_REFUSED);
        pending.failWith(Socks5Reply.HOST_UNREACHABLE);
        pending.closing();
        pending.closing();
        assertFalse(pending.due());
        assertArrayEquals(reply(Socks5Reply.HOST_UNREACHABLE), queued());
    }

    @Test
    void successIsTheOnlyReplyAndTheEarlyBytesComeOnce() throws IOException, Socks5Exception {
        PendingSocks5Reply pending = new PendingSocks5Reply(toClient, Optional.of(handover(new byte[] {1, 2, 3})));
        pending.succeeded(Socks5Server.UNSPECIFIED);
        pending.closing();
        assertArrayEquals(reply(Socks5Reply.SUCCEEDED), queued());
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), pending.takeEarlyBytes().orElseThrow());
        assertTrue(pending.takeEarlyBytes().isEmpty());
    }
}
