package org.bip324proxy.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.bip324proxy.log.EventLog;

/**
 * A small HTTP/1.1 server for the metrics and dashboard endpoints: one request per connection,
 * at most {@code maxClients} requests handled at once (more are answered 503 at once), and each
 * connection closed when its request has not arrived within {@code requestTimeout}, or its answer
 * has not been taken within {@code requestTimeout} plus a second per MiB, so a client that stalls
 * (or never reads its response) holds one slot for a bounded time only.
 * Memory: at most {@code maxClients × (MAX_HEAD_BYTES + largest response)}.
 */
public final class HttpListener implements AutoCloseable {
    /** Answers one request; an exception becomes a 503. */
    @FunctionalInterface
    public interface Handler {
        HttpResponse handle(HttpRequestHead request) throws Exception;
    }

    /** How long one request may take and how many are served at once. */
    public record Limits(Duration requestTimeout, int maxClients) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(5), 4);

        public Limits {
            if (requestTimeout.isNegative() || requestTimeout.isZero() || requestTimeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("the HTTP request timeout must be between 1ms and 1h, got " + requestTimeout);
            }
            if (maxClients < 1 || maxClients > 256) {
                throw new IllegalArgumentException("the number of concurrent HTTP clients must be 1..256, got " + maxClients);
            }
        }
    }

    private static final long ACCEPT_FAILURE_PAUSE_MS = 100;

    private final ServerSocket server;
    private final Limits limits;
    private final Handler handler;
    private final EventLog log;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService deadlines;
    private final Thread acceptor;

    /** Binds {@code address} and starts serving. */
    public HttpListener(InetSocketAddress address, Limits limits, Handler handler, EventLog log) throws IOException {
        this.limits = limits;
        this.handler = handler;
        this.log = log;
        server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(address, 64);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        workers = new ThreadPoolExecutor(0, limits.maxClients(), 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemon("bip324-http"));
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon("bip324-http-deadline"));
        timer.setRemoveOnCancelPolicy(true);
        deadlines = timer;
        acceptor = daemon("bip324-http-accept").newThread(this::acceptLoop);
        acceptor.start();
    }

    /** The bound port (useful when 0 was asked for). */
    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    log.warn("http_accept_failed").with("error", e.getMessage()).log();
                    pauseAccepting();
                }
                continue;
            }
            try {
                workers.execute(() -> serve(s));
            } catch (RejectedExecutionException e) {
                refuse(s);
            }
        }
    }

    /** An accept that failed (e.g. out of file descriptors) would fail again at once: wait a little. */
    private static void pauseAccepting() {
        try {
            Thread.sleep(ACCEPT_FAILURE_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * All slots busy: a short 503 (head and body) fits in the fresh socket's send buffer, so this
     * never blocks. The request bytes already received are discarded before the close, since closing
     * with unread input sends a reset that can destroy the answer before the client reads it.
     */
    private void refuse(Socket s) {
        log.event(EventLog.Level.DEBUG, "http_refused").with("reason", "all " + limits.maxClients() + " slots busy").log();
        HttpResponse busy = HttpResponse.text(503, "busy: too many concurrent requests\n");
        try (s) {
            s.getOutputStream().write(busy.head());
            s.getOutputStream().write(busy.body());
            s.shutdownOutput();
            s.getInputStream().skip(s.getInputStream().available());
        } catch (IOException ignored) {
            // the client went away: nothing to tell it
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout((int) limits.requestTimeout().toMillis());
            HttpResponse response;
            boolean headOnly = false;
            ScheduledFuture<?> reading = closeAfter(s, limits.requestTimeout().toMillis());
            try {
                byte[] head = readHead(s);
                if (head == null) {
                    return;
                }
                if (head.length == 0) {
                    response = HttpResponse.text(431, "request head larger than " + HttpRequestHead.MAX_HEAD_BYTES + " bytes\n");
                } else {
                    HttpRequestHead request = HttpRequestHead.parse(head, head.length);
                    headOnly = request.method().equals("HEAD");
                    reading.cancel(false);
                    response = answer(request);
                }
            } catch (HttpRequestHead.MalformedRequestException e) {
                response = HttpResponse.text(400, e.getMessage() + "\n");
            } finally {
                reading.cancel(false);
            }
            ScheduledFuture<?> writing = closeAfter(s, writeTimeMillis(response.body().length));
            try {
                respond(s, response, headOnly);
            } finally {
                writing.cancel(false);
            }
        } catch (IOException e) {
            // timed out, closed by a deadline, or the client went away
            log.event(EventLog.Level.DEBUG, "http_refused").with("reason", "request not completed in time or connection lost: "
                    + e.getMessage()).log();
        }
    }

    /** The request head, empty if it is too large, null if the client closed first. */
    private static byte[] readHead(Socket s) throws IOException {
        byte[] buf = new byte[HttpRequestHead.MAX_HEAD_BYTES];
        int len = 0;
        InputStream in = s.getInputStream();
        while (len < buf.length) {
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) {
                return null;
            }
            len += n;
            Optional<Integer> headLen = HttpRequestHead.headLength(buf, len);
            if (headLen.isPresent()) {
                return java.util.Arrays.copyOf(buf, headLen.get());
            }
        }
        return new byte[0];
    }

    /** The request timeout, plus a second per MiB so that a large answer (10,000 connections) is not cut off. */
    private long writeTimeMillis(int bytes) {
        return limits.requestTimeout().toMillis() + bytes / 1024L * 1000 / 1024;
    }

    private ScheduledFuture<?> closeAfter(Socket s, long millis) {
        return deadlines.schedule(() -> closeQuietly(s), millis, TimeUnit.MILLISECONDS);
    }

    private HttpResponse answer(HttpRequestHead request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return HttpResponse.text(405, "only GET and HEAD\n");
        }
        try {
            return handler.handle(request);
        } catch (Exception e) {
            return HttpResponse.text(503, "the proxy could not collect its statistics: " + e + "\n");
        }
    }

    private static void respond(Socket s, HttpResponse response, boolean headOnly) {
        try {
            OutputStream out = s.getOutputStream();
            out.write(response.head());
            if (!headOnly) {
                out.write(response.body());
            }
            out.flush();
        } catch (IOException ignored) {
            // the client went away or the deadline closed the socket
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        closeQuietly(server);
        workers.shutdownNow();
        deadlines.shutdownNow();
    }

    private static void closeQuietly(ServerSocket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
