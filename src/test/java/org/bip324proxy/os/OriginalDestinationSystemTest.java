package org.bip324proxy.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

import org.bip324proxy.testsupport.Cleanup;
import org.bip324proxy.testsupport.Child;
import org.bip324proxy.testsupport.NetNs;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real kernel NAT in network namespaces. Namespace A is the client host: it runs the "proxy"
 * listeners on 127.0.0.1:PORT and [::1]:PORT and the redirect rules. Namespace B is a remote
 * host on the other end of a veth pair, with plain listeners on port 8333 to show where traffic
 * goes when it is not redirected. Nothing leaves the two namespaces.
 */
@Tag("system")
class OriginalDestinationSystemTest {

    /** The primary gid whose connections are redirected (it need not exist as a group). */
    private static final long REDIRECTED_GID = 24324;
    private static final long OTHER_GID = 24325;
    private static final int P2P_PORT = 8333;
    private static final Duration WAIT = Duration.ofSeconds(10);

    enum Firewall { IPTABLES, NFT }

    enum Family { V4, V6 }

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();
    private NetNs a;
    private NetNs b;
    private NetNs.Veth link;

    @BeforeEach
    void namespaces() throws Exception {
        SystemTestSupport.requireRootNetworking("iptables", "ip6tables", "nft", "bash");
        a = cleanup.keep(NetNs.create());
        b = cleanup.keep(NetNs.create());
        link = a.linkTo(b);
    }

    // ---------------------------------------------------------------- helpers

    private ServerSocketChannel listen(NetNs ns, ProtocolFamily family, InetSocketAddress at) throws Exception {
        return cleanup.keep(ns.call(() -> {
            ServerSocketChannel s = family == null ? ServerSocketChannel.open() : ServerSocketChannel.open(family);
            s.bind(at);
            s.configureBlocking(false);
            return s;
        }));
    }

    private static int port(ServerSocketChannel s) throws IOException {
        return ((InetSocketAddress) s.getLocalAddress()).getPort();
    }

    /** The "proxy": separate IPv4 and IPv6 loopback listeners on the same port. */
    private ServerSocketChannel[] proxyListeners() throws Exception {
        ServerSocketChannel v4 = listen(a, StandardProtocolFamily.INET,
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        ServerSocketChannel v6 = listen(a, StandardProtocolFamily.INET6,
                new InetSocketAddress(InetAddress.getByName("::1"), port(v4)));
        return new ServerSocketChannel[] {v4, v6};
    }

    private void addRedirect(Firewall firewall, int proxyPort) throws IOException {
        if (firewall == Firewall.IPTABLES) {
            a.exec("iptables", "-w", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "--dport", "" + P2P_PORT,
                    "-m", "owner", "--gid-owner", "" + REDIRECTED_GID,
                    "-j", "DNAT", "--to-destination", "127.0.0.1:" + proxyPort);
            a.exec("ip6tables", "-w", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "--dport", "" + P2P_PORT,
                    "-m", "owner", "--gid-owner", "" + REDIRECTED_GID,
                    "-j", "DNAT", "--to-destination", "[::1]:" + proxyPort);
        } else {
            // priority dstnat is rejected on the output hook by nft 1.0.6: use its value, -100.
            String rules = "table inet b324test {\n"
                    + "  chain output {\n"
                    + "    type nat hook output priority -100; policy accept;\n"
                    + "    meta nfproto ipv4 tcp dport " + P2P_PORT + " meta skgid " + REDIRECTED_GID
                    + " dnat ip to 127.0.0.1:" + proxyPort + "\n"
                    + "    meta nfproto ipv6 tcp dport " + P2P_PORT + " meta skgid " + REDIRECTED_GID
                    + " dnat ip6 to [::1]:" + proxyPort + "\n"
                    + "  }\n"
                    + "}\n";
            a.run(rules, Duration.ofSeconds(30), "nft", "-f", "-").check();
        }
    }

    private static String bashConnect(InetAddress host, int port) {
        // Prints "connected" once the TCP handshake is done, then holds the connection open.
        return "exec 3<>/dev/tcp/" + host.getHostAddress() + "/" + port
                + " && echo connected && read -t 30 -u 3 x; true";
    }

    private Child connectFromA(long gid, InetAddress host, int port) throws Exception {
        Child c = cleanup.keep(a.startAsGid(gid, "bash", "-c", bashConnect(host, port)));
        assertEquals("connected", c.awaitLine(WAIT));
        return c;
    }

    private SocketChannel accept(ServerSocketChannel server) throws IOException {
        try (Selector selector = Selector.open()) {
            server.register(selector, SelectionKey.OP_ACCEPT);
            if (selector.select(WAIT.toMillis()) == 0) {
                throw new AssertionError("no connection arrived at " + server.getLocalAddress());
            }
        }
        SocketChannel accepted = cleanup.keep(server.accept());
        if (accepted == null) {
            throw new AssertionError("accept returned nothing at " + server.getLocalAddress());
        }
        return accepted;
    }

    private void assertNothingPending(ServerSocketChannel server) throws IOException {
        SocketChannel unexpected = server.accept();
        if (unexpected != null) {
            cleanup.keep(unexpected);
        }
        assertNull(unexpected, "unexpected connection at " + server.getLocalAddress());
    }

    private InetAddress remote(Family family) {
        return family == Family.V4 ? link.thereV4() : link.thereV6();
    }

    private InetAddress clientSide(Family family) {
        return family == Family.V4 ? link.hereV4() : link.hereV6();
    }

    static Stream<Arguments> firewallsAndFamilies() {
        return Stream.of(Firewall.values())
                .flatMap(f -> Stream.of(Family.values()).map(fam -> Arguments.of(f, fam)));
    }

    // ---------------------------------------------------------------- tests

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("firewallsAndFamilies")
    void redirectedConnectionRevealsTheRemoteDestination(Firewall firewall, Family family) throws Exception {
        ServerSocketChannel[] proxy = proxyListeners();
        ServerSocketChannel remoteListener = listen(b, null, new InetSocketAddress(remote(family), P2P_PORT));
        addRedirect(firewall, port(proxy[0]));

        connectFromA(REDIRECTED_GID, remote(family), P2P_PORT);
        ServerSocketChannel expectedListener = proxy[family == Family.V4 ? 0 : 1];
        SocketChannel accepted = accept(expectedListener);

        InetSocketAddress expected = new InetSocketAddress(remote(family), P2P_PORT);
        assertEquals(Optional.of(expected), OriginalDestination.lookup(accepted));
        // The source address was chosen by the route to B before DNAT changed the destination.
        assertEquals(clientSide(family), ((InetSocketAddress) accepted.getRemoteAddress()).getAddress());
        assertNothingPending(remoteListener);
        assertNothingPending(proxy[family == Family.V4 ? 1 : 0]);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Firewall.class)
    void ipv4DnatToLoopbackInOutputNeedsNoRouteLocalnet(Firewall firewall) throws Exception {
        assertEquals("0", a.exec("sysctl", "-n", "net.ipv4.conf.all.route_localnet").strip());
        assertEquals("0", a.exec("sysctl", "-n", "net.ipv4.conf." + link.hereIf() + ".route_localnet").strip());
        assertEquals("0", a.exec("sysctl", "-n", "net.ipv4.conf.lo.route_localnet").strip());
        ServerSocketChannel[] proxy = proxyListeners();
        addRedirect(firewall, port(proxy[0]));
        connectFromA(REDIRECTED_GID, link.thereV4(), P2P_PORT);
        SocketChannel accepted = accept(proxy[0]);
        assertEquals(Optional.of(new InetSocketAddress(link.thereV4(), P2P_PORT)),
                OriginalDestination.lookup(accepted));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("firewallsAndFamilies")
    void otherGroupsAreNotRedirected(Firewall firewall, Family family) throws Exception {
        ServerSocketChannel[] proxy = proxyListeners();
        ServerSocketChannel remoteListener = listen(b, null, new InetSocketAddress(remote(family), P2P_PORT));
        addRedirect(firewall, port(proxy[0]));

        // Another primary gid, and the redirect gid only as a supplementary group: neither matches.
        connectFromA(OTHER_GID, remote(family), P2P_PORT);
        Child supplementary = cleanup.keep(a.start("setpriv", "--regid=" + OTHER_GID, "--groups=" + REDIRECTED_GID,
                "--", "bash", "-c", bashConnect(remote(family), P2P_PORT)));
        assertEquals("connected", supplementary.awaitLine(WAIT));

        for (int i = 0; i < 2; i++) {
            SocketChannel atB = accept(remoteListener);
            assertEquals(clientSide(family), ((InetSocketAddress) atB.getRemoteAddress()).getAddress());
            // B has no NAT at all, so conntrack has nothing there: ENOENT, empty.
            assertEquals(Optional.empty(), OriginalDestination.lookup(atB));
        }
        assertNothingPending(proxy[0]);
        assertNothingPending(proxy[1]);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("firewallsAndFamilies")
    void directConnectionToTheProxyIsNotADestination(Firewall firewall, Family family) throws Exception {
        ServerSocketChannel[] proxy = proxyListeners();
        addRedirect(firewall, port(proxy[0]));
        InetAddress loopback = InetAddress.getByName(family == Family.V4 ? "127.0.0.1" : "::1");
        // Even from the redirected group: port PORT is not 8333, so no rule matches.
        connectFromA(REDIRECTED_GID, loopback, port(proxy[0]));
        SocketChannel accepted = accept(proxy[family == Family.V4 ? 0 : 1]);

        // With NAT loaded conntrack tracks the connection and reports the listener itself ...
        OriginalDestination.Query query = family == Family.V4
                ? OriginalDestination.Query.IPV4 : OriginalDestination.Query.IPV6;
        assertEquals(Optional.of(accepted.getLocalAddress()),
                OriginalDestination.query(SocketFds.fd(accepted), query));
        // ... which the loop guard turns into "no destination".
        assertEquals(Optional.empty(), OriginalDestination.lookup(accepted));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Family.class)
    void withoutNatConntrackHasNoEntry(Family family) throws Exception {
        // Namespace A without any rule: conntrack is not active there, getsockopt gives ENOENT.
        InetAddress loopback = InetAddress.getByName(family == Family.V4 ? "127.0.0.1" : "::1");
        ServerSocketChannel server = listen(a, null, new InetSocketAddress(loopback, 0));
        connectFromA(0, loopback, port(server));
        SocketChannel accepted = accept(server);
        OriginalDestination.Query query = OriginalDestination.queryFor(loopback);
        assertEquals(Optional.empty(), OriginalDestination.query(SocketFds.fd(accepted), query));
        assertEquals(Optional.empty(), OriginalDestination.lookup(accepted));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Firewall.class)
    void wrongFamilyCallsFailAndLookupPicksTheRightOne(Firewall firewall) throws Exception {
        ServerSocketChannel[] proxy = proxyListeners();
        addRedirect(firewall, port(proxy[0]));
        connectFromA(REDIRECTED_GID, link.thereV4(), P2P_PORT);
        connectFromA(REDIRECTED_GID, link.thereV6(), P2P_PORT);
        SocketChannel v4 = accept(proxy[0]);
        SocketChannel v6 = accept(proxy[1]);
        int fd4 = SocketFds.fd(v4);
        int fd6 = SocketFds.fd(v6);

        // IPv6 call on an AF_INET socket: EOPNOTSUPP (not ENOENT) on this kernel.
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> OriginalDestination.query(fd4, OriginalDestination.Query.IPV6));
        assertEquals(95, e.errno(), e.getMessage());
        // IPv4 call on an IPv6 connection: ENOENT, i.e. empty.
        assertEquals(Optional.empty(), OriginalDestination.query(fd6, OriginalDestination.Query.IPV4));
        // Buffers too short for the sockaddr: EINVAL.
        assertEquals(22, assertThrows(ErrnoException.class,
                () -> OriginalDestination.query(fd4, OriginalDestination.Query.IPV4, 8)).errno());
        assertEquals(22, assertThrows(ErrnoException.class,
                () -> OriginalDestination.query(fd6, OriginalDestination.Query.IPV6, 16)).errno());

        assertEquals(Optional.of(new InetSocketAddress(link.thereV4(), P2P_PORT)), OriginalDestination.lookup(v4));
        assertEquals(Optional.of(new InetSocketAddress(link.thereV6(), P2P_PORT)), OriginalDestination.lookup(v6));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Firewall.class)
    void dualStackListenerServesBothFamilies(Firewall firewall) throws Exception {
        // The JDK's default ServerSocketChannel is an AF_INET6 socket without IPV6_V6ONLY. Bound to
        // the wildcard it receives the IPv4 DNAT to 127.0.0.1 (as ::ffff:127.0.0.1) and the IPv6
        // DNAT to ::1 on one socket.
        ServerSocketChannel dual = listen(a, null, new InetSocketAddress(0));
        addRedirect(firewall, port(dual));

        connectFromA(REDIRECTED_GID, link.thereV4(), P2P_PORT);
        SocketChannel v4 = accept(dual);
        assertTrue(((InetSocketAddress) v4.getLocalAddress()).getAddress() instanceof Inet4Address);
        // The IPv6 call on it gives ENOENT rather than EOPNOTSUPP: proof that it is an AF_INET6
        // socket carrying an IPv4 connection. The IPv4 call works on it.
        assertEquals(Optional.empty(), OriginalDestination.query(SocketFds.fd(v4), OriginalDestination.Query.IPV6));
        assertEquals(Optional.of(new InetSocketAddress(link.thereV4(), P2P_PORT)), OriginalDestination.lookup(v4));

        connectFromA(REDIRECTED_GID, link.thereV6(), P2P_PORT);
        SocketChannel v6 = accept(dual);
        assertEquals(Optional.of(new InetSocketAddress(link.thereV6(), P2P_PORT)), OriginalDestination.lookup(v6));
    }
}
