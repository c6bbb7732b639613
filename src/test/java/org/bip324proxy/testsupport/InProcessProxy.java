package org.bip324proxy.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.engine.EngineConfig;
import org.bip324proxy.engine.ProxyServer;
import org.bip324proxy.engine.ProxySnapshot;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.relay.SessionSettings;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Message;

/** A real proxy engine on a loopback port with two event loops, logging into memory. */
public final class InProcessProxy implements AutoCloseable {
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final EventLog log = new EventLog(new PrintStream(logBytes, true), EventLog.Format.TEXT, EventLog.Level.DEBUG);
    private final ProxyServer server;

    public InProcessProxy() throws IOException {
        SessionSettings settings = SessionSettings.builder()
                .aeadBackend(AeadBackend.JDK)
                .destinationPolicy(Policies.loopbackPeers())
                .build();
        EngineConfig config = EngineConfig.builder()
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .threads(2)
                .maxConnections(100)
                .firstMessageTimeout(Duration.ofSeconds(20))
                .connectTimeout(Duration.ofSeconds(20))
                .handshakeTimeout(Duration.ofSeconds(20))
                .idleTimeout(Duration.ofMinutes(5))
                .closeFlushTimeout(Duration.ofSeconds(2))
                .queueHighWatermark(1 << 20)
                .build();
        server = new ProxyServer(config, settings, log);
        server.start();
    }

    public ProxyServer server() {
        return server;
    }

    public EventLog log() {
        return log;
    }

    public InetSocketAddress address() {
        return server.boundAddresses().get(0);
    }

    public ProxySnapshot snapshot() throws Exception {
        return server.snapshot(Duration.ofSeconds(10));
    }

    /** The log so far, for assertion messages. */
    public String logText() {
        return logBytes.toString();
    }

    /**
     * Connects a v1 client through the proxy to {@code peer}, exchanges VERSION and one ping/pong,
     * and returns the open client.
     */
    public V1TestClient connectAndPing(V2EchoPeer peer, byte[] version, byte[] nonce) throws Exception {
        V1TestClient client = new V1TestClient(address(), Network.MAINNET, Duration.ofSeconds(20));
        client.send("version", version);
        V1Message echoed = client.receive();
        if (echoed == null || !echoed.command().equals("version")) {
            throw new AssertionError("no VERSION echo through the proxy; log:\n" + logText());
        }
        client.send("ping", nonce);
        V1Message pong = client.receive();
        if (pong == null || !pong.command().equals("pong")) {
            throw new AssertionError("no pong through the proxy; log:\n" + logText());
        }
        return client;
    }

    @Override
    public void close() {
        server.close();
    }
}
