package org.bip324proxy.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Proves the namespace support itself: naming, cleanup, commands, veth, and setns-based calls. */
@Tag("system")
class NetNsTest {

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();

    @BeforeEach
    void prerequisites() {
        SystemTestSupport.requireRootNetworking();
    }

    @Test
    void createsUniquelyNamedNamespaceAndDeletesItOnClose() throws Exception {
        NetNs a = cleanup.keep(NetNs.create());
        NetNs b = cleanup.keep(NetNs.create());
        String prefix = NetNs.PREFIX + ProcessHandle.current().pid() + "-";
        assertTrue(a.name().startsWith(prefix), a.name());
        assertFalse(a.name().equals(b.name()));
        assertTrue(Files.exists(Path.of("/var/run/netns", a.name())));
        assertTrue(a.exec("ip", "-o", "link", "show", "lo").contains("UP"), "lo is up");
        a.close();
        assertFalse(Files.exists(Path.of("/var/run/netns", a.name())));
        a.close(); // idempotent
    }

    @Test
    void execFailsWithTheCommandsStderr() throws Exception {
        NetNs a = cleanup.keep(NetNs.create());
        IOException e = assertThrows(IOException.class, () -> a.exec("sh", "-c", "echo boom >&2; exit 3"));
        assertTrue(e.getMessage().contains("boom") && e.getMessage().contains("exit 3"), e.getMessage());
        IOException t = assertThrows(IOException.class,
                () -> a.run(null, Duration.ofMillis(300), "sleep", "30"));
        assertTrue(t.getMessage().contains("timed out"), t.getMessage());
        assertEquals("hi\n", a.run("hi\n", Duration.ofSeconds(10), "cat").stdout());
    }

    @Test
    void closeKillsProcessesStartedInside() throws Exception {
        NetNs a = cleanup.keep(NetNs.create());
        Child sleeper = a.start("sleep", "300");
        ProcessHandle handle = sleeper.process().toHandle();
        assertTrue(handle.isAlive());
        a.close();
        handle.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertFalse(handle.isAlive());
    }

    @Test
    void deletesStaleNamespacesOfDeadProcessesOnly() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long deadPid = gone.pid();
        String stale = NetNs.PREFIX + deadPid + "-1";
        Cmd.check(SystemTestSupport.tool("ip"), "netns", "add", stale);
        try {
            NetNs.deleteStale();
            // The pid could in theory be reused in between; then the namespace legitimately stays.
            if (ProcessHandle.of(deadPid).isEmpty()) {
                assertFalse(Files.exists(Path.of("/var/run/netns", stale)), "stale namespace deleted");
            }
            NetNs mine = cleanup.keep(NetNs.create());
            NetNs.deleteStale();
            assertTrue(Files.exists(Path.of("/var/run/netns", mine.name())), "live namespace kept");
        } finally {
            Cmd.run(List.of(SystemTestSupport.tool("ip"), "netns", "delete", stale), null, Cmd.DEFAULT_TIMEOUT);
        }
    }

    @Test
    void callRunsJavaInsideTheNamespaceAndSocketsStayThere() throws Exception {
        NetNs a = cleanup.keep(NetNs.create());
        NetNs b = cleanup.keep(NetNs.create());
        NetNs.Veth link = a.linkTo(b);

        // The veth address does not exist in the test JVM's own namespace ...
        try (ServerSocketChannel outside = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            assertThrows(BindException.class, () -> outside.bind(new InetSocketAddress(link.hereV4(), 0)));
        }
        // ... but binding works on a thread that joined the namespace.
        for (InetAddress address : List.of(link.hereV4(), link.hereV6())) {
            ServerSocketChannel server = cleanup.keep(a.call(() -> {
                ServerSocketChannel s = ServerSocketChannel.open(
                        address instanceof java.net.Inet4Address ? StandardProtocolFamily.INET
                                : StandardProtocolFamily.INET6);
                s.bind(new InetSocketAddress(address, 0));
                return s;
            }));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            // Used from this (root-namespace) thread: a client in namespace B reaches it over the veth.
            Child client = cleanup.keep(b.start("bash", "-c", "exec 3<>/dev/tcp/" + address.getHostAddress() + "/"
                    + port + " && echo connected && read -t 30 -u 3 x; true"));
            assertEquals("connected", client.awaitLine(Duration.ofSeconds(10)));
            server.socket().setSoTimeout(10_000);
            SocketChannel accepted = cleanup.keep(server.socket().accept().getChannel());
            assertNotNull(accepted);
            InetSocketAddress peer = (InetSocketAddress) accepted.getRemoteAddress();
            assertEquals(address instanceof java.net.Inet4Address ? link.thereV4() : link.thereV6(),
                    peer.getAddress());
        }
    }
}
