package org.bip324proxy.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bip324proxy.engine.ConnectionSnapshot;
import org.bip324proxy.engine.EngineConfig;
import org.bip324proxy.engine.ProxyServer;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.os.HostAddresses;
import org.bip324proxy.relay.AllowedDestination;
import org.bip324proxy.relay.DestinationPolicy;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.relay.OwnEndpoints;
import org.bip324proxy.relay.SessionSettings;
import org.bip324proxy.v1.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code bip324-proxy selftest}: one BIP324 session end to end without a Bitcoin node. A local
 * BIP324 responder stands in for the peer; a v1 client sends VERSION (addr_recv = the responder)
 * and a ping through the real proxy engine; both ends print the session id they computed.
 */
@Command(name = "selftest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Try one BIP324 session without a Bitcoin node: a local BIP324 responder, the proxy "
                + "engine and a v1 client on 127.0.0.1 (nothing else is contacted). Prints the proxy's log "
                + "lines and the session id both ends computed.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the session worked and both ends computed the same session id",
            "1:it did not (the message says where it failed)"})
public final class SelftestCommand implements Callable<Integer> {
    static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Network NETWORK = Network.MAINNET;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EventLog log = new EventLog(System.err, EventLog.Format.TEXT, EventLog.Level.INFO);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        SessionSettings settings = SessionSettings.builder()
                .networks(List.of(NETWORK))
                .destinationMode(SessionSettings.DestinationMode.ADDR_RECV)
                .destinationPolicy(new DestinationPolicy(List.of(NETWORK),
                        List.of(AllowedDestination.parse(loopback.getAddress().getHostAddress())), // the responder
                        new OwnEndpoints(HostAddresses::isHostAddress)))
                .build();
        EngineConfig config = EngineConfig.builder()
                .listen(loopback)
                .threads(1)
                .maxConnections(16)
                .firstMessageTimeout(DEADLINE)
                .connectTimeout(DEADLINE)
                .handshakeTimeout(DEADLINE)
                .idleTimeout(DEADLINE)
                .build();
        try (BenchPeer peer = new BenchPeer(true, NETWORK); ProxyServer proxy = new ProxyServer(config, settings, log)) {
            proxy.start();
            InetSocketAddress proxyAddress = proxy.boundAddresses().get(0);
            out.println("selftest: BIP324 responder (standing in for a Bitcoin node) on " + Endpoints.format(peer.address()));
            out.println("selftest: proxy on " + Endpoints.format(proxyAddress) + "; a v1 client sends it VERSION for "
                    + Endpoints.format(peer.address()) + ", then ping");
            out.flush();
            String proxySide;
            try (BenchClient client = new BenchClient(proxyAddress, NETWORK, 64 * 1024)) {
                CompletableFuture.delayedExecutor(DEADLINE.toSeconds(), TimeUnit.SECONDS).execute(() -> closeQuietly(client));
                client.handshake(peer.address());
                byte[] nonce = new byte[8];
                new SecureRandom().nextBytes(nonce);
                client.send("ping", nonce);
                byte[] pong = client.expect("pong").copyPayload();
                if (!Arrays.equals(nonce, pong)) {
                    throw new IOException("the pong did not carry the ping's nonce");
                }
                proxySide = proxy.snapshot(DEADLINE).connections().stream().map(ConnectionSnapshot::sessionId)
                        .flatMap(Optional::stream).findFirst().orElseThrow(() -> new IOException("the proxy reports no live session"));
            }
            String peerSide = peer.sessionIds().stream().findFirst()
                    .orElseThrow(() -> new IOException("the responder completed no BIP324 handshake"));
            out.println("selftest: session id at the proxy:     " + proxySide);
            out.println("selftest: session id at the responder: " + peerSide);
            if (!proxySide.equals(peerSide)) {
                err.println("selftest: FAILED: the two ends computed different session ids (a man in the middle?)");
                return 1;
            }
            out.println("selftest: OK: VERSION and ping/pong crossed an encrypted BIP324 session, the same session id on "
                    + "both ends (with a real peer, compare with its getpeerinfo session_id)");
            return 0;
        } catch (IOException e) {
            err.println("selftest: FAILED: " + e.getMessage());
            return 1;
        }
    }

    private static void closeQuietly(BenchClient client) {
        try {
            client.close(); // ends a read that waits past the deadline
        } catch (IOException ignored) {
            // already closed
        }
    }
}
