package org.bip324proxy.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.bip324proxy.control.ControlClient.ControlException;
import org.bip324proxy.control.ControlClient;
import org.bip324proxy.control.SnapshotJson;
import org.bip324proxy.control.StatusReport;
import org.bip324proxy.relay.Endpoints;
import org.bip324proxy.relay.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bip324-proxy sessions --peer ADDR}: the BIP324 session id of the live connection to a
 * peer, as 64 lowercase hex digits, the form {@code bitcoin-cli getpeerinfo} shows in
 * {@code session_id} (Core: {@code HexStr} of the 32 bytes in order). Equal ids on both ends mean
 * no one sits in the middle of that session (BIP324, "Session ID").
 */
@Command(name = "sessions",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Print the BIP324 session id of the live connection(s) to a peer, one per line, to compare "
                + "with 'bitcoin-cli getpeerinfo' (field session_id) on that peer: equal ids mean no man in the middle.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:no encrypted session with that peer, or another error (the message says which)",
            "2:bad command line",
            "3:the proxy is not running (no control socket, or nothing answers on it)",
            "4:access denied (run as root, as the proxy's user, or as a member of its --control-group)"})
public final class SessionsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--peer", paramLabel = "ADDR", required = true,
            description = "The peer: IP:PORT, [IPv6]:PORT, or an IP alone for every connection to it.")
    String peer;

    @Mixin
    ControlSocketOption controlSocket;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PeerQuery query;
        try {
            query = PeerQuery.parse(peer);
        } catch (IllegalArgumentException e) {
            err.println("bip324-proxy sessions: " + e.getMessage());
            return 2;
        }
        Optional<Path> path = controlSocket.find();
        if (path.isEmpty()) {
            err.println("bip324-proxy sessions: bip324-proxy is not running (no control socket found; give it with --control-socket PATH)");
            return StatusCommand.NOT_RUNNING;
        }
        try (ControlClient client = ControlClient.connect(path.get())) {
            StatusReport status = SnapshotJson.read(client.request("status").get("status"));
            List<String> ids = new ArrayList<>();
            List<String> unencrypted = new ArrayList<>();
            for (StatusReport.Row c : status.connections()) {
                if (c.destination().filter(query::matches).isPresent()) {
                    if (c.sessionId().isPresent()) {
                        ids.add(c.sessionId().get());
                    } else {
                        unencrypted.add("conn " + c.id() + " (transport " + c.transport().map(Transport::logName).orElse(null)
                                + ", phase " + c.phase().logName() + ")");
                    }
                }
            }
            ids.forEach(out::println);
            out.flush();
            if (ids.isEmpty()) {
                err.println("bip324-proxy sessions: no encrypted session with " + peer
                        + (unencrypted.isEmpty() ? " (no live connection to it)" : ": " + String.join(", ", unencrypted)));
                return 1;
            }
            return 0;
        } catch (IllegalArgumentException e) { // the answer is not a status document
            err.println("bip324-proxy sessions: " + e.getMessage());
            return 1;
        } catch (ControlException e) {
            err.println("bip324-proxy sessions: " + e.getMessage());
            return switch (e.failure()) {
                case NOT_RUNNING -> StatusCommand.NOT_RUNNING;
                case ACCESS_DENIED -> StatusCommand.ACCESS_DENIED;
                case ERROR -> 1;
            };
        }
    }

    /** An IP with or without a port, normalised as the status document writes destinations. */
    record PeerQuery(String hostPort, String host) {
        static PeerQuery parse(String text) {
            String t = text.trim();
            boolean hasPort = t.startsWith("[") ? t.contains("]:") : t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':');
            if (hasPort) {
                InetSocketAddress a = HostPort.parse(t);
                return new PeerQuery(Endpoints.format(a), null);
            }
            String ip = t.startsWith("[") && t.endsWith("]") ? t.substring(1, t.length() - 1) : t;
            if (!ip.matches("[0-9a-fA-F.:]+")) {
                throw new IllegalArgumentException("--peer '" + text + "': expected IP:PORT, [IPv6]:PORT or an IP address");
            }
            try {
                String host = Endpoints.format(new InetSocketAddress(InetAddress.getByName(ip), 0));
                return new PeerQuery(null, host.substring(0, host.lastIndexOf(':')));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("--peer '" + text + "': not an IP address");
            }
        }

        boolean matches(String destination) {
            return hostPort != null ? hostPort.equals(destination)
                    : destination.substring(0, destination.lastIndexOf(':')).equals(host);
        }
    }
}
