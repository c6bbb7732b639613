package org.bip324proxy.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class SocketOwnersTest {
    @Test
    void keysAreWrittenAsTheKernelPrintsThem() throws Exception {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the samples are from x86");
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080);
        assertEquals("0100007F:1F90", SocketOwners.key(v4, false));
        assertEquals("0000000000000000FFFF00000100007F:1F90", SocketOwners.key(v4, true));
        assertEquals("00000000000000000000000001000000:0050",
                SocketOwners.key(new InetSocketAddress(InetAddress.getByName("::1"), 80), true));
    }

    @Test
    void theUidColumnOfTheLineWhoseLocalAddressMatches() {
        String line = "   3: 0100007F:9C4A 0100007F:052C 01 00000000:00000000 00:00000000 00000000  1000        0 123456 1 0";
        assertEquals(OptionalLong.of(1000), SocketOwners.uidIfLocal(line, "0100007F:9C4A"));
        assertEquals(OptionalLong.empty(), SocketOwners.uidIfLocal(line, "0100007F:052C"), "the remote column does not count");
        assertEquals(OptionalLong.empty(), SocketOwners.uidIfLocal("  sl  local_address rem_address   st", "0100007F:9C4A"));
    }

    @Test
    void findsTheOwnerOfALiveLoopbackClientSocket() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "needs Linux /proc");
        long myUid = ProcessIdentity.effectiveUid();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            InetSocketAddress seenByServer = (InetSocketAddress) accepted.getRemoteSocketAddress();
            assertEquals(OptionalLong.of(myUid), SocketOwners.uidOf(seenByServer));
        }
        assertTrue(SocketOwners.uidOf(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)).isEmpty());
    }
}
