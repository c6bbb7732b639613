package org.bip324proxy.install;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;

import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Message;

/**
 * A v1 client run as a separate process (so it can have its own primary gid): connects to
 * HOST PORT as an unmodified client would, sends VERSION and a ping, and prints what came back.
 */
public final class V1ClientProbe {

    private V1ClientProbe() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        try (V1TestClient client = new V1TestClient(peer, Network.MAINNET, Duration.ofSeconds(30))) {
            byte[] version = V1TestClient.versionPayload(peer, "/probe:1.0/");
            client.send("version", version);
            V1Message echoed = client.receive();
            System.out.println(echoed != null && echoed.command().equals("version")
                    && Arrays.equals(version, echoed.copyPayload()) ? "version echoed" : "unexpected " + echoed);
            byte[] nonce = {8, 7, 6, 5, 4, 3, 2, 1};
            client.send("ping", nonce);
            V1Message pong = client.receive();
            System.out.println(pong != null && pong.command().equals("pong")
                    && Arrays.equals(nonce, pong.copyPayload()) ? "pong" : "unexpected " + pong);
        }
    }
}
