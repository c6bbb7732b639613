package org.bip324proxy.http;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The request line of an HTTP/1.x request (RFC 9112 §3), parsed from the bytes read so far. Pure:
 * no sockets. Headers are read (up to the blank line) but not interpreted: every response closes
 * the connection.
 *
 * @param method the request method, e.g. GET
 * @param path the request target without its query
 * @param query the query after '?', empty if none
 */
public record HttpRequestHead(String method, String path, String query) {
    /** Request head larger than this is refused (431). */
    public static final int MAX_HEAD_BYTES = 8192;

    /** A request line that is not {@code METHOD SP TARGET SP HTTP/x.y}. */
    public static final class MalformedRequestException extends Exception {
        MalformedRequestException(String message) {
            super(message);
        }
    }

    /** Length of the head (through the blank line) if {@code buf[0..len)} holds all of it. */
    public static Optional<Integer> headLength(byte[] buf, int len) {
        for (int i = 3; i < len; i++) {
            if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
                return Optional.of(i + 1);
            }
        }
        return Optional.empty();
    }

    /** The value of {@code name=value} in the query, if present. */
    public Optional<String> parameter(String name) {
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return Optional.of(pair.substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }

    /** Parses the request line at the start of a complete head. */
    public static HttpRequestHead parse(byte[] head, int len) throws MalformedRequestException {
        String text = new String(head, 0, len, StandardCharsets.ISO_8859_1);
        int eol = text.indexOf("\r\n");
        String[] parts = text.substring(0, eol < 0 ? text.length() : eol).split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || !parts[1].startsWith("/") || !parts[2].startsWith("HTTP/1.")) {
            throw new MalformedRequestException("not an HTTP/1.x request line");
        }
        int query = parts[1].indexOf('?');
        return new HttpRequestHead(parts[0], query < 0 ? parts[1] : parts[1].substring(0, query),
                query < 0 ? "" : parts[1].substring(query + 1));
    }
}
