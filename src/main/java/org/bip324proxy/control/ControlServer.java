package org.bip324proxy.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import jnr.unixsocket.UnixServerSocketChannel;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;
import org.bip324proxy.engine.SnapshotSource;
import org.bip324proxy.log.EventLog;
import org.bip324proxy.os.PeerAccess;
import org.bip324proxy.os.SocketFiles;

/**
 * The control socket: a Unix socket (mode 0660) answering one JSON line per request line
 * (docs/control-protocol.md). Each client gets its own thread; at most {@value #MAX_CLIENTS} at once.
 * The peer's credentials are checked before anything is read.
 */
public final class ControlServer implements AutoCloseable {
    static final int MAX_CLIENTS = 8;
    static final int MAX_LINE = 4096;

    private final Path path;
    private final Optional<String> group;
    private final PeerAccess access;
    private final SnapshotSource status;
    private final EventLog log;
    private final Semaphore slots = new Semaphore(MAX_CLIENTS);
    private final Set<UnixSocketChannel> clients = ConcurrentHashMap.newKeySet();
    private UnixServerSocketChannel listener;
    /** Whether the socket file at {@link #path} is ours to delete (not another proxy's). */
    private boolean bound;
    private Thread acceptThread;
    private volatile boolean closing;

    public ControlServer(Path path, Optional<String> group, PeerAccess access, SnapshotSource status, EventLog log) {
        this.path = path.toAbsolutePath();
        this.group = group;
        this.access = access;
        this.status = status;
        this.log = log;
    }

    /**
     * Creates the socket (and its directory if missing) and starts answering.
     *
     * @throws IOException with a message naming the path and what to do
     */
    public void start() throws IOException {
        try {
            SocketFiles.prepareDirectory(path.getParent(), group);
            removeStaleSocket();
            listener = UnixServerSocketChannel.open();
            SocketFiles.bindRestricted(path, group, () -> {
                listener.socket().bind(new UnixSocketAddress(path.toFile()));
                bound = true;
            });
        } catch (IOException e) {
            closeQuietly();
            throw new IOException("cannot create the control socket " + path + ": " + e.getMessage()
                    + " (choose another path with --control-socket PATH, or --no-control-socket)", e);
        }
        acceptThread = new Thread(this::acceptLoop, "bip324-control");
        acceptThread.setDaemon(true);
        acceptThread.start();
        log.info("control_socket").with("path", path.toString()).with("admin_group", group.orElse(null)).log();
    }

    public Path path() {
        return path;
    }

    private void removeStaleSocket() throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        if (Files.isRegularFile(path) || Files.isDirectory(path)) {
            throw new IOException("a file that is not a socket is in the way");
        }
        if (answers(path)) {
            throw new IOException("another bip324-proxy is answering on it; to run a second proxy beside it, "
                    + "give it a --control-socket PATH of its own (and 'status --control-socket PATH')");
        }
        Files.deleteIfExists(path); // left behind by a proxy that died
    }

    private static boolean answers(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void acceptLoop() {
        while (!closing) {
            UnixSocketChannel ch;
            try {
                ch = listener.accept();
            } catch (IOException e) {
                if (!closing) {
                    log.warn("control_accept_failed").with("error", e.getMessage()).log();
                }
                return;
            }
            if (ch == null) {
                continue;
            }
            if (closing) {
                closeQuietly(ch);
                return;
            }
            if (!slots.tryAcquire()) {
                reply(ch, error("busy", "too many control clients at once (" + MAX_CLIENTS + "); try again"));
                closeQuietly(ch);
                continue;
            }
            clients.add(ch);
            Thread t = new Thread(() -> {
                try {
                    serve(ch);
                } finally {
                    clients.remove(ch);
                    closeQuietly(ch);
                    slots.release();
                }
            }, "bip324-control-client");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(UnixSocketChannel ch) {
        PeerAccess.Peer peer;
        try {
            peer = PeerAccess.credentials(ch);
        } catch (IOException | RuntimeException e) {
            log.warn("control_denied").with("reason", "no peer credentials: " + e.getMessage()).log();
            return;
        }
        Optional<String> denied = access.denialReason(peer);
        if (denied.isPresent()) {
            log.warn("control_denied").with("uid", peer.uid()).with("pid", peer.pid()).log();
            reply(ch, error("access_denied", denied.get()));
            return;
        }
        try {
            InputStream in = Channels.newInputStream(ch);
            String line;
            while ((line = readLine(in)) != null) {
                if (!line.isBlank() && !reply(ch, answer(line))) {
                    return;
                }
            }
        } catch (IOException e) {
            if (!closing) {
                reply(ch, error("bad_request", e.getMessage()));
            }
        }
    }

    /** One line without its newline; null at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() >= MAX_LINE) {
                throw new IOException("request line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    Map<String, Object> answer(String line) {
        Object request;
        try {
            request = JsonCodec.parse(line);
        } catch (IllegalArgumentException e) {
            return error("bad_request", e.getMessage());
        }
        if (!(request instanceof Map<?, ?> m) || !(m.get("command") instanceof String command)) {
            return error("bad_request", "a request is a JSON object with a \"command\" member");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        switch (command) {
            case "ping" -> {
                out.put("ok", true);
                out.put("pid", ProcessHandle.current().pid());
            }
            case "status" -> {
                try {
                    out.put("ok", true);
                    out.put("status", SnapshotJson.of(status.snapshot()));
                } catch (Exception e) {
                    return error("unavailable", "the proxy could not collect its status: " + e);
                }
            }
            default -> {
                return error("unknown_command", "unknown command '" + command + "'; known: ping, status");
            }
        }
        return out;
    }

    private static Map<String, Object> error(String code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", false);
        m.put("code", code);
        m.put("error", message);
        return m;
    }

    private static boolean reply(UnixSocketChannel ch, Map<String, Object> message) {
        try {
            OutputStream out = Channels.newOutputStream(ch);
            out.write((JsonCodec.write(message) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (listener == null || closing) {
            return;
        }
        closing = true;
        answers(path); // a blocked accept() is not woken by close(): connect once so it returns
        try {
            if (acceptThread != null) {
                acceptThread.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clients.forEach(ControlServer::closeQuietly);
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            if (listener != null) {
                listener.close();
            }
            if (bound) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // best effort on the way out
        }
    }

    private static void closeQuietly(UnixSocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // gone already
        }
    }
}
