package org.bip324proxy.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Talks to a running proxy's control socket (the JDK's own Unix sockets: no native code needed).
 * Failures are told apart so that {@code status} can explain them.
 */
public final class ControlClient implements AutoCloseable {
    /** Why a request failed. */
    public enum Failure { NOT_RUNNING, ACCESS_DENIED, ERROR }

    /** A request that failed, with a message for the user. */
    public static final class ControlException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Failure failure;

        public ControlException(Failure failure, String message) {
            super(message);
            this.failure = failure;
        }

        public Failure failure() {
            return failure;
        }
    }

    private final Path path;
    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private ControlClient(Path path, SocketChannel channel) {
        this.path = path;
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    public static ControlClient connect(Path path) throws ControlException {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(path));
            return new ControlClient(path, ch);
        } catch (IOException e) {
            closeQuietly(ch);
            String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("permission denied")) {
                throw new ControlException(Failure.ACCESS_DENIED, "access denied to " + path
                        + ": run as root, as the proxy's user, or as a member of the group given to --control-group");
            }
            if (m.contains("no such file")) {
                throw new ControlException(Failure.NOT_RUNNING, "bip324-proxy is not running: no control socket at " + path
                        + " (start the proxy, or give its socket with --control-socket PATH)");
            }
            if (m.contains("refused")) {
                throw new ControlException(Failure.NOT_RUNNING, "bip324-proxy is not running: nothing answers on " + path
                        + " (a socket left behind by a stopped proxy)");
            }
            throw new ControlException(Failure.ERROR, "cannot connect to " + path + ": " + e.getMessage());
        }
    }

    /**
     * Sends one request and returns the answer object (with {@code "ok": true}).
     *
     * @throws ControlException if the proxy refused or failed the request, or went away
     */
    public Map<String, Object> request(String command) throws ControlException {
        try {
            out.write(("{\"command\":\"" + command + "\"}\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // The proxy may have answered and closed before reading (access denied): read that answer.
        }
        String line;
        try {
            line = in.readLine();
        } catch (IOException e) {
            line = null;
        }
        if (line == null) {
            throw new ControlException(Failure.ERROR, "the proxy closed the control connection " + path
                    + " without answering (it may be stopping)");
        }
        Object answer;
        try {
            answer = JsonCodec.parse(line);
        } catch (IllegalArgumentException e) {
            throw new ControlException(Failure.ERROR, "the proxy's answer is not valid JSON: " + e.getMessage());
        }
        if (!(answer instanceof Map<?, ?> m)) {
            throw new ControlException(Failure.ERROR, "the proxy's answer is not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) m;
        if (!Boolean.TRUE.equals(map.get("ok"))) {
            Failure f = "access_denied".equals(map.get("code")) ? Failure.ACCESS_DENIED : Failure.ERROR;
            throw new ControlException(f, "bip324-proxy refused: " + map.get("error"));
        }
        return map;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException ignored) {
            // nothing to add
        }
    }
}
