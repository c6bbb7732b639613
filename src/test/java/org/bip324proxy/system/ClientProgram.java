package org.bip324proxy.system;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bip324proxy.testsupport.Child;
import org.bip324proxy.testsupport.NetNs;
import org.bip324proxy.testsupport.ProxyProcess;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Message;

/**
 * A client that tests start as a separate process, so that it can run with the redirect group as
 * its primary gid (what {@code --gid-owner} and {@code meta skgid} match). It connects to a remote
 * address as an unmodified client would, prints one line per verified step and exits 0, or prints
 * {@code error ...} and exits 1.
 *
 * <ul>
 *   <li>{@code v1 HOST PORT ADDR_RECV_HOST ADDR_RECV_PORT}: mainnet VERSION with that addr_recv;
 *       expects its VERSION echoed back, then a ping answered by a pong with the same nonce.</li>
 *   <li>{@code raw HOST PORT}: bytes that are not v1; expects them echoed back unchanged.</li>
 * </ul>
 */
public final class ClientProgram {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final int RAW_BYTES = 200_000;

    private ClientProgram() {
    }

    /** Starts the program in {@code ns} with primary gid {@code gid}. */
    static Child start(NetNs ns, long gid, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProxyProcess.java(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), ClientProgram.class.getName()));
        cmd.addAll(List.of(args));
        return ns.startAsGid(gid, cmd.toArray(String[]::new));
    }

    public static void main(String[] args) {
        try {
            switch (args[0]) {
                case "v1" -> v1(address(args[1], args[2]), address(args[3], args[4]));
                case "raw" -> raw(address(args[1], args[2]));
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
            System.exit(0);
        } catch (Exception e) {
            System.out.println("error " + e);
            System.exit(1);
        }
    }

    private static InetSocketAddress address(String host, String port) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(port));
    }

    private static void v1(InetSocketAddress remote, InetSocketAddress addrRecv) throws Exception {
        try (V1TestClient client = new V1TestClient(remote, Network.MAINNET, TIMEOUT)) {
            byte[] version = V1TestClient.versionPayload(addrRecv, "/system-test:1.0/");
            client.send("version", version);
            V1Message echoed = client.receive();
            if (echoed == null || !echoed.command().equals("version") || !Arrays.equals(version, echoed.copyPayload())) {
                throw new IOException("expected my VERSION back, got " + (echoed == null ? "EOF" : echoed.command()));
            }
            System.out.println("version echoed");
            byte[] nonce = new byte[8];
            new SecureRandom().nextBytes(nonce);
            client.send("ping", nonce);
            V1Message pong = client.receive();
            if (pong == null || !pong.command().equals("pong") || !Arrays.equals(nonce, pong.copyPayload())) {
                throw new IOException("expected pong " + HexFormat.of().formatHex(nonce) + ", got "
                        + (pong == null ? "EOF" : pong.command()));
            }
            System.out.println("pong " + HexFormat.of().formatHex(nonce));
        }
    }

    private static void raw(InetSocketAddress remote) throws Exception {
        byte[] data = new byte[RAW_BYTES];
        new SecureRandom().nextBytes(data);
        // Starts like an HTTP request, so no v1 magic can match by chance.
        byte[] head = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, data, 0, head.length);
        try (Socket s = new Socket()) {
            s.connect(remote, (int) TIMEOUT.toMillis());
            s.setSoTimeout((int) TIMEOUT.toMillis());
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
                } catch (IOException e) {
                    System.out.println("error writing: " + e);
                }
            });
            writer.start();
            byte[] back = s.getInputStream().readAllBytes();
            writer.join();
            if (!Arrays.equals(data, back)) {
                throw new IOException("echo differs: sent " + data.length + " bytes, got " + back.length);
            }
            System.out.println("echoed " + back.length);
        }
    }
}
