package org.bip324proxy.socks5;

import java.util.Optional;

/** The REP field of a SOCKS5 reply (RFC 1928 §6). */
public enum Socks5Reply {
    SUCCEEDED(0x00, "succeeded"),
    GENERAL_FAILURE(0x01, "general SOCKS server failure"),
    NOT_ALLOWED(0x02, "connection not allowed by ruleset"),
    NETWORK_UNREACHABLE(0x03, "network unreachable"),
    HOST_UNREACHABLE(0x04, "host unreachable"),
    CONNECTION_REFUSED(0x05, "connection refused"),
    TTL_EXPIRED(0x06, "TTL expired"),
    COMMAND_NOT_SUPPORTED(0x07, "command not supported"),
    ADDRESS_TYPE_NOT_SUPPORTED(0x08, "address type not supported");

    private final int code;
    private final String description;

    Socks5Reply(int code, String description) {
        this.code = code;
        this.description = description;
    }

    public int code() {
        return code;
    }

    public String description() {
        return description;
    }

    /** The reply with this code; empty for the unassigned codes 0x09..0xFF. */
    public static Optional<Socks5Reply> of(int code) {
        for (Socks5Reply r : values()) {
            if (r.code == code) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return String.format("0x%02x (%s)", code, description);
    }
}
