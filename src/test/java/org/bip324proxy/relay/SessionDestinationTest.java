package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bip324proxy.os.HostAddresses;
import org.bip324proxy.testsupport.Policies;
import org.bip324proxy.testsupport.ScriptedBip324Peer;
import org.bip324proxy.testsupport.SessionDriver;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Where {@link ProxySession} connects, and what it refuses before connecting anywhere: the redirect's
 * original destination first, VERSION's addr_recv only where the mode and the destination policy
 * allow it, passthrough for clients that do not speak v1. The socket versions of the policy rules
 * stay in {@code engine.DestinationPolicyIntegrationTest} and {@code engine.DestinationAndLimitsIntegrationTest}.
 */
@Tag("fast")
class SessionDestinationTest {
    private static final InetSocketAddress REDIRECTED = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8333);
    private static final InetSocketAddress NAMED = new InetSocketAddress(InetAddress.getLoopbackAddress(), 18444);
    private static final Network NET = Network.MAINNET;

    private static void assertRefused(SessionDriver d, CloseCause expected) {
        assertTrue(d.connects().isEmpty(), "connected to " + d.connects());
        assertEquals(expected, d.closeCause(), () -> d.closeCause().describe());
    }

    private static DestinationPolicy.Rule refusedBy(SessionDriver d) {
        assertTrue(d.connects().isEmpty(), "connected to " + d.connects());
        return d.closedWith(CloseCause.DestinationRefused.class).verdict().rule();
    }

    @Test
    void theRedirectsOriginalDestinationWinsOverAddrRecv() {
        SessionDriver d = SessionDriver.builder().redirectedTo(REDIRECTED).build();
        d.clientSendsVersion(NET, NAMED);
        assertEquals(List.of(REDIRECTED), d.connects());
        assertEquals(Destination.Source.SO_ORIGINAL_DST, d.session().destination().orElseThrow().source());
    }

    @Test
    void addrRecvModeUsesAddrRecvEvenWhenRedirected() {
        SessionDriver d = SessionDriver.builder().redirectedTo(REDIRECTED)
                .destinationMode(SessionSettings.DestinationMode.ADDR_RECV).build();
        d.clientSendsVersion(NET, NAMED);
        assertEquals(List.of(NAMED), d.connects());
        assertEquals(Destination.Source.ADDR_RECV, d.session().destination().orElseThrow().source());
    }

    @Test
    void withoutARedirectAddrRecvIsDialledIpv6Too() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 8333);
        SessionDriver d = SessionDriver.builder().build();
        d.clientSendsVersion(NET, v6);
        assertEquals(List.of(v6), d.connects());
    }

    @Test
    void anAllZeroAddrRecvIsRefusedWithAFix() {
        SessionDriver d = SessionDriver.builder().build();
        d.clientSendsVersion(NET, null);
        assertRefused(d, new CloseCause.NoDestination(CloseCause.NoDestination.Why.EMPTY_ADDR_RECV, ""));
    }

    @Test
    void originalDstModeRefusesADirectConnection() {
        SessionDriver d = SessionDriver.builder().destinationMode(SessionSettings.DestinationMode.ORIGINAL_DST).build();
        d.clientSendsVersion(NET, NAMED);
        assertRefused(d, new CloseCause.NoDestination(CloseCause.NoDestination.Why.NOT_REDIRECTED, "original-dst"));
    }

    @Test
    void aRedirectToTheProxyItselfCountsAsNoRedirect() {
        OwnEndpoints own = new OwnEndpoints(HostAddresses::isHostAddress);
        own.add(REDIRECTED);
        DestinationPolicy policy = new DestinationPolicy(Network.knownNetworks(),
                List.of(AllowedDestination.parse("127.0.0.0/8")), own);
        SessionDriver d = SessionDriver.builder().destinationPolicy(policy).redirectedTo(REDIRECTED).build();
        d.clientSendsVersion(NET, REDIRECTED);
        assertEquals(DestinationPolicy.Rule.OWN_ENDPOINT, refusedBy(d));
        assertEquals(DestinationPolicy.Rule.OWN_ENDPOINT, d.session().refusal().orElseThrow().rule());
    }

    @Test
    void aLoopbackAddrRecvIsRefusedByDefault() {
        SessionDriver d = SessionDriver.builder().destinationPolicy(Policies.allowing()).build();
        d.clientSendsVersion(NET, NAMED);
        assertEquals(DestinationPolicy.Rule.LOOPBACK, refusedBy(d));
    }

    @Test
    void aNonLoopbackListenerRefusesAddrRecv() {
        SessionDriver d = SessionDriver.builder().destinationPolicy(Policies.allowing())
                .listener(DestinationPolicy.Listener.NON_LOOPBACK).build();
        d.clientSendsVersion(NET, new InetSocketAddress("8.8.8.8", 8333));
        assertEquals(DestinationPolicy.Rule.ROUTER_LISTENER, refusedBy(d));
    }

    @Test
    void aNetworkThatIsNotAcceptedIsRefusedWithItsName() {
        SessionDriver d = SessionDriver.builder().networks(List.of(Network.MAINNET)).redirectedTo(REDIRECTED).build();
        d.clientSendsVersion(Network.SIGNET, REDIRECTED);
        assertRefused(d, new CloseCause.NetworkNotAccepted(Network.SIGNET.magicHex(), "signet", "mainnet"));
    }

    @Test
    void aClientThatDoesNotSpeakV1IsPassedThroughUntouched() {
        SessionDriver d = SessionDriver.builder().redirectedTo(REDIRECTED).build();
        byte[] tls = new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
        d.clientSends(tls);
        assertEquals(List.of(REDIRECTED), d.connects());
        d.peerConnected();
        assertEquals(Transport.PASSTHROUGH, d.session().transport().orElseThrow());
        assertArrayEquals(tls, d.takeToPeer());
        d.peerSends(new byte[] {42});
        assertArrayEquals(new byte[] {42}, d.clientReceived());
    }

    @Test
    void aClientThatDoesNotSpeakV1WithoutARedirectIsRefused() {
        SessionDriver d = SessionDriver.builder().build();
        d.clientSends("GET / HTTP/1.1\r\nHost: example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(CloseCause.NoDestination.Why.NOT_V1_AND_NOT_REDIRECTED, d.closedWith(CloseCause.NoDestination.class).why());
        assertTrue(d.connects().isEmpty());
    }

    /** SOCKS5: connected before the first byte; the first message then picks the transport. */
    @Test
    void aSocks5DestinationIsConnectedFirstAndTheVersionThenStartsBip324() {
        SessionDriver d = SessionDriver.builder()
                .destination(new Destination(REDIRECTED, Destination.Source.SOCKS5)).build();
        d.connectBeforeFirstMessage();
        assertEquals(List.of(REDIRECTED), d.connects());
        d.peerConnected();
        assertEquals(Phase.FIRST_MESSAGE, d.phase());
        d.clientSendsVersion(NET, NAMED);
        assertEquals(Phase.HANDSHAKE, d.phase());
        assertEquals(1, d.connects().size(), "the open connection is used");
        ScriptedBip324Peer peer = d.completeV2Handshake(NET, 0, 0);
        assertEquals("version", peer.receiveMessage().command());
    }
}
