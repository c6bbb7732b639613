package org.bip324proxy.socks5;

import java.util.Optional;

/** The other side of a SOCKS5 handshake broke the protocol, failed authentication or refused. */
public final class Socks5Exception extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, for logs and tests. */
    public enum Reason {
        /** The first byte is not version 5 (e.g. SOCKS4, or not SOCKS at all). */
        NOT_SOCKS5,
        /** A field has a value the RFCs do not allow (version, reserved byte, lengths, domain name). */
        MALFORMED,
        /** The greeting offers no method this side accepts (answered with 0xFF). */
        NO_ACCEPTABLE_METHOD,
        /** Username/password not accepted (RFC 1929 status != 0). */
        AUTH_FAILED,
        /** A command other than CONNECT (answered with 0x07). */
        COMMAND_NOT_SUPPORTED,
        /** An address type other than IPv4, domain name or IPv6 (answered with 0x08). */
        ADDRESS_TYPE_NOT_SUPPORTED,
        /** The stream ended before the handshake was complete. */
        TRUNCATED,
        /** The SOCKS5 server answered the CONNECT with a failure code ({@link #reply()}). */
        REFUSED
    }

    private final Reason reason;
    private final transient Socks5Reply reply;

    Socks5Exception(Reason reason, String message) {
        this(reason, null, message);
    }

    Socks5Exception(Reason reason, Socks5Reply reply, String message) {
        super(message);
        this.reason = reason;
        this.reply = reply;
    }

    public Reason reason() {
        return reason;
    }

    /** The reply code sent to the client (server side) or received from the server (client side). */
    public Optional<Socks5Reply> reply() {
        return Optional.ofNullable(reply);
    }
}
