package org.bip324proxy.socks5;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may use the SOCKS5 listener. {@link #ANYONE} accepts every client, with or without a
 * username (the username then only separates upstream circuits); a list parsed from an auth file
 * requires RFC 1929 username/password and accepts only its entries.
 *
 * <p>File format: one {@code USERNAME:PASSWORD} per line (split at the first colon, so a password
 * may contain colons), each 1..255 bytes of UTF-8; blank lines and lines starting with {@code #}
 * are ignored. Leading and trailing spaces are part of the names.
 */
public final class Socks5Users {
    /** No auth file: every client is accepted. */
    public static final Socks5Users ANYONE = new Socks5Users(Map.of(), false);

    private final Map<String, byte[]> passwords;
    private final boolean required;

    private Socks5Users(Map<String, byte[]> passwords, boolean required) {
        this.passwords = passwords;
        this.required = required;
    }

    /**
     * Parses an auth file's lines.
     *
     * @throws IllegalArgumentException naming the line that is wrong, or when no user is listed
     */
    public static Socks5Users parse(List<String> lines) {
        Map<String, byte[]> out = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("line " + (i + 1) + ": expected USERNAME:PASSWORD");
            }
            byte[] user = line.substring(0, colon).getBytes(StandardCharsets.UTF_8);
            byte[] pass = line.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
            if (user.length == 0 || user.length > Socks5Wire.MAX_DOMAIN || pass.length == 0 || pass.length > Socks5Wire.MAX_DOMAIN) {
                throw new IllegalArgumentException("line " + (i + 1) + ": username and password must each have 1..255 bytes");
            }
            if (out.put(line.substring(0, colon), pass) != null) {
                throw new IllegalArgumentException("line " + (i + 1) + ": user '" + line.substring(0, colon) + "' is listed twice");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no USERNAME:PASSWORD line");
        }
        return new Socks5Users(Map.copyOf(out), true);
    }

    /** Whether clients must authenticate with a username and password. */
    public boolean required() {
        return required;
    }

    /** Number of users listed (0 for {@link #ANYONE}). */
    public int size() {
        return passwords.size();
    }

    boolean accepts(String username, byte[] password) {
        if (!required) {
            return true;
        }
        byte[] expected = passwords.get(username);
        // Compared in constant time; an unknown user costs the same as a wrong password.
        boolean match = MessageDigest.isEqual(expected != null ? expected : new byte[password.length + 1], password);
        return expected != null && match;
    }
}
