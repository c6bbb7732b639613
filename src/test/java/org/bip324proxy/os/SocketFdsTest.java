package org.bip324proxy.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.bip324proxy.testsupport.Cmd;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("system")
class SocketFdsTest {

    private static String fdTarget(int fd) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    }

    @Test
    void returnsTheRealSocketDescriptorOfServerAndClientChannels() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                 SocketChannel accepted = server.accept()) {
                int s = SocketFds.fd(server);
                int c = SocketFds.fd(client);
                int a = SocketFds.fd(accepted);
                assertTrue(s > 2 && c > 2 && a > 2);
                assertEquals(3, List.of(s, c, a).stream().distinct().count());
                for (int fd : new int[] {s, c, a}) {
                    assertTrue(fdTarget(fd).startsWith("socket:["), fdTarget(fd));
                }
                assertNotEquals(fdTarget(s), fdTarget(a));
            }
        }
        OriginalDestination.checkAvailable();
    }

    @Test
    void closedChannelIsRefused() throws Exception {
        SocketChannel channel = SocketChannel.open();
        channel.close();
        assertThrows(IllegalStateException.class, () -> SocketFds.fd(channel));
    }

    @Test
    void withoutAddExportsTheErrorSaysHowToFixIt() throws Exception {
        Cmd.Result r = Cmd.run(ChildJvm.probe(List.of(), "fd"), null, Cmd.DEFAULT_TIMEOUT);
        assertEquals(3, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("--add-exports java.base/sun.nio.ch=ALL-UNNAMED")
                && r.stdout().contains("Add-Exports"), r.stdout());

        Cmd.Result ok = Cmd.run(ChildJvm.probe(ChildJvm.OPENS, "fd"), null, Cmd.DEFAULT_TIMEOUT);
        assertEquals(0, ok.exitCode(), ok.stdout() + ok.stderr());
        assertTrue(ok.stdout().startsWith("fd "), ok.stdout());
    }
}
