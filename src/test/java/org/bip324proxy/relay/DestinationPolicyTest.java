package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bip324proxy.relay.DestinationPolicy.Listener;
import org.bip324proxy.relay.DestinationPolicy.Rule;
import org.bip324proxy.relay.DestinationPolicy.Verdict;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The policy table: every rule, for every address class, IPv4 and IPv6, and ports. */
@Tag("fast")
class DestinationPolicyTest {
    /** This host in the tests: loopback plus one LAN and one public address. */
    private static final Set<InetAddress> HOST = Set.of(ip("192.168.1.1"), ip("203.0.114.1"), ip("fd00::1"));

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static DestinationPolicy policy(String... allowed) throws Exception {
        OwnEndpoints own = new OwnEndpoints(a -> a.isLoopbackAddress() || HOST.contains(a));
        own.add(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1324));
        own.add(new InetSocketAddress(InetAddress.getByName("::"), 1325)); // a wildcard listener
        own.add(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9324)); // metrics
        return new DestinationPolicy(Network.knownNetworks(),
                Arrays.stream(allowed).map(AllowedDestination::parse).toList(), own);
    }

    private static Verdict check(DestinationPolicy p, Destination.Source source, String ip, int port, Network network,
            Listener listener) throws Exception {
        return p.check(new Destination(new InetSocketAddress(InetAddress.getByName(ip), port), source),
                Optional.ofNullable(network), listener);
    }

    @ParameterizedTest(name = "addr_recv {0}:{1} -> {2}")
    @CsvSource({
        // public unicast on the network's P2P port: the only default yes
        "1.1.1.1, 8333, PUBLIC_P2P_PORT", "2a00:1450::1, 8333, PUBLIC_P2P_PORT", "::ffff:1.1.1.1, 8333, PUBLIC_P2P_PORT",
        "1.1.1.1, 18444, NOT_P2P_PORT", "1.1.1.1, 22, NOT_P2P_PORT", "2a00:1450::1, 8334, NOT_P2P_PORT",
        // every other address class, on the P2P port
        "127.0.0.1, 8333, LOOPBACK", "127.1.2.3, 8333, LOOPBACK", "::1, 8333, LOOPBACK", "::ffff:127.0.0.1, 8333, LOOPBACK",
        "169.254.169.254, 8333, LINK_LOCAL", "fe80::1, 8333, LINK_LOCAL",
        "10.0.0.1, 8333, PRIVATE", "172.16.0.1, 8333, PRIVATE", "192.168.1.20, 8333, PRIVATE", "100.64.0.1, 8333, PRIVATE",
        "fd00::2, 8333, PRIVATE", "::ffff:192.168.1.20, 8333, PRIVATE", "64:ff9b::c0a8:114, 8333, PRIVATE",
        "224.0.0.1, 8333, MULTICAST", "ff02::1, 8333, MULTICAST",
        "255.255.255.255, 8333, RESERVED", "192.0.2.1, 8333, RESERVED", "2001:db8::1, 8333, RESERVED",
        "0.0.0.0, 8333, UNUSABLE", "::, 8333, UNUSABLE", "::ffff:0.0.0.0, 8333, UNUSABLE", "1.1.1.1, 0, UNUSABLE",
        // the proxy itself, also through a wildcard listener and a mapped address
        "127.0.0.1, 1324, OWN_ENDPOINT", "::ffff:127.0.0.1, 1324, OWN_ENDPOINT", "127.0.0.1, 9324, OWN_ENDPOINT",
        "203.0.114.1, 1325, OWN_ENDPOINT", "192.168.1.1, 1325, OWN_ENDPOINT", "::1, 1325, OWN_ENDPOINT",
        "fd00::1, 1325, OWN_ENDPOINT",
    })
    void addrRecvOnALoopbackListenerByDefault(String ip, int port, Rule expected) throws Exception {
        Verdict v = check(policy(), Destination.Source.ADDR_RECV, ip, port, Network.MAINNET, Listener.LOOPBACK);
        assertEquals(expected, v.rule(), v.reason());
        assertEquals(expected == Rule.PUBLIC_P2P_PORT, v.allowed(), v.reason());
    }

    @ParameterizedTest(name = "{0} via {1}")
    @CsvSource({"SO_ORIGINAL_DST, LOOPBACK", "SO_ORIGINAL_DST, NON_LOOPBACK", "TPROXY, NON_LOOPBACK"})
    void redirectedDestinationsAreAllowedWhateverTheirClassButNeverTheProxyItself(Destination.Source source,
            Listener listener) throws Exception {
        DestinationPolicy p = policy();
        for (String ip : List.of("1.1.1.1", "10.0.0.1", "127.0.0.1", "fe80::1", "fd00::2")) {
            Verdict v = check(p, source, ip, 12345, Network.MAINNET, listener);
            assertEquals(Rule.REDIRECTED, v.rule(), ip);
            assertTrue(v.allowed(), ip);
        }
        assertEquals(Rule.OWN_ENDPOINT, check(p, source, "127.0.0.1", 1324, Network.MAINNET, listener).rule());
        assertEquals(Rule.UNUSABLE, check(p, source, "1.1.1.1", 0, Network.MAINNET, listener).rule());
    }

    @Test
    void aNonLoopbackListenerTakesNoAddrRecvEvenAPublicP2pOne() throws Exception {
        Verdict v = check(policy(), Destination.Source.ADDR_RECV, "1.1.1.1", 8333, Network.MAINNET, Listener.NON_LOOPBACK);
        assertFalse(v.allowed());
        assertEquals(Rule.ROUTER_LISTENER, v.rule());
        assertEquals("router-listener", v.rule().logName());
        assertTrue(v.reason().contains("--allow-destination"), v.reason());
    }

    @Test
    void socks5TargetsFollowTheAddressAndPortRulesOnEveryListener() throws Exception {
        DestinationPolicy p = policy();
        for (Listener l : Listener.values()) {
            assertEquals(Rule.PUBLIC_P2P_PORT, check(p, Destination.Source.SOCKS5, "1.1.1.1", 8333, null, l).rule());
            assertEquals(Rule.LOOPBACK, check(p, Destination.Source.SOCKS5, "127.0.0.1", 8333, null, l).rule());
            assertEquals(Rule.PRIVATE, check(p, Destination.Source.SOCKS5, "192.168.1.20", 8333, null, l).rule());
            assertEquals(Rule.NOT_P2P_PORT, check(p, Destination.Source.SOCKS5, "1.1.1.1", 22, null, l).rule());
            assertEquals(Rule.OWN_ENDPOINT, check(p, Destination.Source.SOCKS5, "127.0.0.1", 1324, null, l).rule());
        }
        assertFalse(p.checkV1Fallback(new Destination(new InetSocketAddress(ip("1.1.1.1"), 8333), Destination.Source.SOCKS5)).allowed());
    }

    @Test
    void aHostNameIsCheckedOnceResolved() throws Exception {
        DestinationPolicy p = policy();
        Verdict name = p.check(new Destination(InetSocketAddress.createUnresolved("localhost", 22), Destination.Source.SOCKS5),
                Optional.empty(), Listener.LOOPBACK);
        assertEquals(Rule.UNRESOLVED_NAME, name.rule());
        assertTrue(name.allowed());
        assertEquals(Rule.UNUSABLE, p.check(new Destination(InetSocketAddress.createUnresolved("x.onion", 0),
                Destination.Source.SOCKS5), Optional.empty(), Listener.LOOPBACK).rule());
    }

    @Test
    void allowEntriesOpenTheirRangeAndPortsOnEveryListenerButNeverTheProxyItself() throws Exception {
        DestinationPolicy p = policy("127.0.0.1", "192.168.1.0/24:8333", "[fd00::/8]:18444-18445");
        for (Listener l : Listener.values()) {
            assertEquals(Rule.ALLOW_DESTINATION, check(p, Destination.Source.ADDR_RECV, "127.0.0.1", 5000, null, l).rule());
            assertEquals(Rule.ALLOW_DESTINATION, check(p, Destination.Source.ADDR_RECV, "::ffff:127.0.0.1", 5000, null, l).rule());
            assertEquals(Rule.ALLOW_DESTINATION, check(p, Destination.Source.ADDR_RECV, "192.168.1.9", 8333, null, l).rule());
            assertEquals(Rule.ALLOW_DESTINATION, check(p, Destination.Source.ADDR_RECV, "fd00::9", 18445, null, l).rule());
            assertTrue(check(p, Destination.Source.ADDR_RECV, "fd00::9", 18445, null, l).allowed());
            assertEquals(Rule.OWN_ENDPOINT, check(p, Destination.Source.ADDR_RECV, "127.0.0.1", 1324, null, l).rule());
            assertEquals(Rule.OWN_ENDPOINT, check(p, Destination.Source.ADDR_RECV, "127.0.0.1", 9324, null, l).rule());
        }
        assertEquals(Rule.PRIVATE, check(p, Destination.Source.ADDR_RECV, "192.168.1.9", 8334, null, Listener.LOOPBACK).rule());
        assertEquals(Rule.LOOPBACK, check(p, Destination.Source.ADDR_RECV, "127.0.0.2", 5000, null, Listener.LOOPBACK).rule());
    }

    @ParameterizedTest(name = "{0} port {1}: {2}")
    @CsvSource({
        "mainnet, 8333, true", "mainnet, 18333, false", "testnet3, 18333, true", "testnet4, 48333, true",
        "signet, 38333, true", "regtest, 18444, true", "regtest, 8333, false",
    })
    void thePortIsThatOfTheClientsNetwork(String network, int port, boolean allowed) throws Exception {
        Verdict v = check(policy(), Destination.Source.ADDR_RECV, "1.1.1.1", port, Network.parse(network), Listener.LOOPBACK);
        assertEquals(allowed, v.allowed(), v.reason());
    }

    @Test
    void withoutANetworkAnyAcceptedNetworksPortCounts() throws Exception {
        DestinationPolicy p = policy();
        for (int port : new int[] {8333, 18333, 48333, 38333, 18444}) {
            assertTrue(check(p, Destination.Source.ADDR_RECV, "1.1.1.1", port, null, Listener.LOOPBACK).allowed());
        }
        Verdict v = check(p, Destination.Source.ADDR_RECV, "1.1.1.1", 8080, null, Listener.LOOPBACK);
        assertEquals(Rule.NOT_P2P_PORT, v.rule());
        assertTrue(v.reason().contains("mainnet (8333)") && v.reason().contains("regtest (18444)"), v.reason());
    }

    @Test
    void aCustomNetworkWithoutADefaultPortNeedsAnAllowEntry() throws Exception {
        Network custom = Network.custom("mysignet", new byte[] {1, 2, 3, 4}, 0);
        Verdict v = check(policy(), Destination.Source.ADDR_RECV, "1.1.1.1", 38333, custom, Listener.LOOPBACK);
        assertEquals(Rule.NOT_P2P_PORT, v.rule());
        assertTrue(v.reason().contains("mysignet (none)"), v.reason());
    }

    @Test
    void aMappedAddressKeptAsIpv6IsCheckedAsIpv4() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        InetSocketAddress a = new InetSocketAddress(Inet6Address.getByAddress(null, mapped, -1), 8333);
        Verdict v = policy().check(new Destination(a, Destination.Source.ADDR_RECV), Optional.of(Network.MAINNET), Listener.LOOPBACK);
        assertEquals(Rule.LOOPBACK, v.rule());
        InetSocketAddress own = new InetSocketAddress(Inet6Address.getByAddress(null, mapped, -1), 1324);
        assertEquals(Rule.OWN_ENDPOINT, policy().check(new Destination(own, Destination.Source.SO_ORIGINAL_DST),
                Optional.empty(), Listener.LOOPBACK).rule());
    }

    @Test
    void v1FallbackOnlyForRedirectedDestinations() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("1.1.1.1"), 8333);
        DestinationPolicy p = policy();
        assertTrue(p.checkV1Fallback(new Destination(a, Destination.Source.SO_ORIGINAL_DST)).allowed());
        assertTrue(p.checkV1Fallback(new Destination(a, Destination.Source.TPROXY)).allowed());
        Verdict v = p.checkV1Fallback(new Destination(a, Destination.Source.ADDR_RECV));
        assertFalse(v.allowed());
        assertEquals("v1-fallback-redirected-only", v.rule().logName());
    }

    @Test
    void listenerKindFollowsTheBoundAddress() throws Exception {
        assertEquals(Listener.LOOPBACK, Listener.boundTo(InetAddress.getByName("127.0.0.1")));
        assertEquals(Listener.LOOPBACK, Listener.boundTo(InetAddress.getByName("::1")));
        assertEquals(Listener.NON_LOOPBACK, Listener.boundTo(InetAddress.getByName("0.0.0.0")));
        assertEquals(Listener.NON_LOOPBACK, Listener.boundTo(InetAddress.getByName("::")));
        assertEquals(Listener.NON_LOOPBACK, Listener.boundTo(InetAddress.getByName("192.168.1.1")));
    }
}
