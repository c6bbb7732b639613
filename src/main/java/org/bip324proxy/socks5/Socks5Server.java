package org.bip324proxy.socks5;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The server side of a SOCKS5 handshake (RFC 1928, with RFC 1929 username/password), sans I/O.
 * Feed the client's bytes to {@link #receive}, send {@link #takeOutput()} after each call; once
 * the CONNECT request is complete, {@link #target()} says where to go and {@link #reply} gives
 * the answer to send when the connection succeeded or failed.
 *
 * <p>Bytes after the CONNECT request (a client that sends its data without waiting for the reply)
 * stay in the caller's buffer. On a violation the handshake fails with a
 * {@link Socks5Exception}; whatever the RFCs answer to it (0xFF "no acceptable methods", RFC 1929
 * status 1, reply 0x07 or 0x08) is then in {@link #takeOutput()}, to be sent before closing.
 *
 * <pre>
 * GREETING -> AUTH              username/password chosen (RFC 1928 §3, RFC 1929 §2): required
 *                               by the users file, or the only method offered
 * GREETING -> REQUEST           no authentication chosen (offered, and no users file)
 * AUTH     -> REQUEST           credentials accepted
 * REQUEST  -> REQUEST_RECEIVED  a complete CONNECT request (§4)
 * REQUEST_RECEIVED -> REPLIED   {@link #reply} with SUCCEEDED (§6)
 * any      -> FAILED            violation, refusal, or a failure reply
 * </pre>
 */
public final class Socks5Server {
    /** Where the handshake is. */
    public enum State { GREETING, AUTH, REQUEST, REQUEST_RECEIVED, REPLIED, FAILED }

    /** 0.0.0.0:0, the bound address of a failure reply or when it is not worth telling. */
    public static final InetSocketAddress UNSPECIFIED = Socks5Wire.UNSPECIFIED;

    private static final byte[] EMPTY = new byte[0];

    private final Socks5Users users;
    private final Socks5Wire.Message message = new Socks5Wire.Message();
    private State state = State.GREETING;
    private byte[] output = EMPTY;
    private InetSocketAddress target;
    private String username;

    public Socks5Server(Socks5Users users) {
        this.users = users;
    }

    /**
     * Consumes handshake bytes from {@code in}, never more than up to the end of the CONNECT request.
     *
     * @return true once the CONNECT request is complete
     * @throws Socks5Exception when the client broke the protocol or was refused; the state is then FAILED
     */
    public boolean receive(ByteBuffer in) throws Socks5Exception {
        try {
            while (in.hasRemaining() && (state == State.GREETING || state == State.AUTH || state == State.REQUEST)) {
                boolean complete = switch (state) {
                    case GREETING -> greeting(in);
                    case AUTH -> authentication(in);
                    default -> request(in);
                };
                if (!complete) {
                    break;
                }
                message.reset();
            }
        } catch (Socks5Exception e) {
            if (state == State.REQUEST && e.reply().isPresent()) {
                send(failureReply(e.reply().get()));
            }
            state = State.FAILED;
            throw e;
        }
        return state == State.REQUEST_RECEIVED;
    }

    /** The client closed its side: an error unless the request was already complete. */
    public void onEof() throws Socks5Exception {
        if (state == State.GREETING || state == State.AUTH || state == State.REQUEST) {
            String during = switch (state) {
                case GREETING -> "greeting";
                case AUTH -> "authentication";
                default -> "request";
            };
            state = State.FAILED;
            throw new Socks5Exception(Socks5Exception.Reason.TRUNCATED,
                    "client closed during the SOCKS5 " + during + " (" + message.length() + " bytes of it received)");
        }
    }

    /**
     * The reply to the CONNECT request (RFC 1928 §6), once: {@code bound} is the address the
     * proxy connected from, or {@link #UNSPECIFIED} (clients ignore it for CONNECT).
     */
    public byte[] reply(Socks5Reply reply, InetSocketAddress bound) {
        if (state != State.REQUEST_RECEIVED) {
            throw new IllegalStateException("no CONNECT request to answer in state " + state);
        }
        state = reply == Socks5Reply.SUCCEEDED ? State.REPLIED : State.FAILED;
        return Socks5Wire.encode(reply.code(), bound);
    }

    /** Bytes to send to the client now (and forget). */
    public byte[] takeOutput() {
        byte[] out = output;
        output = EMPTY;
        return out;
    }

    public State state() {
        return state;
    }

    /** The CONNECT target: resolved for IPv4/IPv6, unresolved for a domain name. */
    public InetSocketAddress target() {
        if (target == null) {
            throw new IllegalStateException("no CONNECT request yet");
        }
        return target;
    }

    /** The RFC 1929 username the client authenticated with, if it chose that method. */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    // ---- RFC 1928 §3: VER NMETHODS METHODS ---------------------------------------------------

    private boolean greeting(ByteBuffer in) throws Socks5Exception {
        if (!message.fill(in, 1)) {
            return false;
        }
        if (message.u8(0) != Socks5Wire.VERSION) {
            throw new Socks5Exception(Socks5Exception.Reason.NOT_SOCKS5, message.u8(0) == 0x04
                    ? "client speaks SOCKS4, only SOCKS5 is supported"
                    : String.format("first byte 0x%02x is not SOCKS version 5 (is the client configured for this port?)", message.u8(0)));
        }
        if (!message.fill(in, 2) || !message.fill(in, 2 + message.u8(1))) {
            return false;
        }
        int count = message.u8(1);
        if (count == 0) {
            send(new byte[] {Socks5Wire.VERSION, (byte) Socks5Wire.NO_ACCEPTABLE_METHODS});
            throw new Socks5Exception(Socks5Exception.Reason.MALFORMED, "greeting offers no authentication method");
        }
        boolean noAuth = false;
        boolean password = false;
        for (int i = 2; i < 2 + count; i++) {
            noAuth |= message.u8(i) == Socks5Wire.METHOD_NO_AUTH;
            password |= message.u8(i) == Socks5Wire.METHOD_USERNAME_PASSWORD;
        }
        // Without required users, "no authentication" when offered: a username would not be used,
        // and e.g. the JDK's client would send the OS user name.
        if (noAuth && !users.required()) {
            send(new byte[] {Socks5Wire.VERSION, Socks5Wire.METHOD_NO_AUTH});
            state = State.REQUEST;
        } else if (password) {
            send(new byte[] {Socks5Wire.VERSION, Socks5Wire.METHOD_USERNAME_PASSWORD});
            state = State.AUTH;
        } else {
            send(new byte[] {Socks5Wire.VERSION, (byte) Socks5Wire.NO_ACCEPTABLE_METHODS});
            throw new Socks5Exception(Socks5Exception.Reason.NO_ACCEPTABLE_METHOD, users.required()
                    ? "client does not offer username/password authentication, which --socks5-auth requires"
                    : "client offers neither 'no authentication' nor username/password");
        }
        return true;
    }

    // ---- RFC 1929 §2: VER ULEN UNAME PLEN PASSWD ---------------------------------------------

    private boolean authentication(ByteBuffer in) throws Socks5Exception {
        if (!message.fill(in, 1)) {
            return false;
        }
        if (message.u8(0) != Socks5Wire.AUTH_VERSION) {
            throw new Socks5Exception(Socks5Exception.Reason.MALFORMED,
                    String.format("username/password version 0x%02x, expected 0x01 (RFC 1929)", message.u8(0)));
        }
        if (!message.fill(in, 2)) {
            return false;
        }
        int userLen = message.u8(1);
        if (!message.fill(in, 2 + userLen + 1)) {
            return false;
        }
        int passLen = message.u8(2 + userLen);
        if (!message.fill(in, 3 + userLen + passLen)) {
            return false;
        }
        String user = new String(message.bytes(), 2, userLen, StandardCharsets.UTF_8);
        byte[] pass = java.util.Arrays.copyOfRange(message.bytes(), 3 + userLen, 3 + userLen + passLen);
        if (!users.accepts(user, pass)) {
            send(new byte[] {Socks5Wire.AUTH_VERSION, Socks5Wire.AUTH_FAILURE});
            throw new Socks5Exception(Socks5Exception.Reason.AUTH_FAILED, "username/password not accepted");
        }
        username = user;
        send(new byte[] {Socks5Wire.AUTH_VERSION, Socks5Wire.AUTH_SUCCESS});
        state = State.REQUEST;
        return true;
    }

    // ---- RFC 1928 §4: VER CMD RSV ATYP DST.ADDR DST.PORT --------------------------------------

    private boolean request(ByteBuffer in) throws Socks5Exception {
        if (!message.fill(in, 1)) {
            return false;
        }
        if (message.u8(0) != Socks5Wire.VERSION) {
            throw new Socks5Exception(Socks5Exception.Reason.MALFORMED, Socks5Reply.GENERAL_FAILURE,
                    String.format("request version 0x%02x, expected 0x05", message.u8(0)));
        }
        int needed;
        while ((needed = Socks5Wire.addressMessageLength(message)) > message.length()) {
            if (!message.fill(in, needed)) {
                return false;
            }
        }
        if (message.u8(2) != 0) {
            throw new Socks5Exception(Socks5Exception.Reason.MALFORMED, Socks5Reply.GENERAL_FAILURE,
                    String.format("reserved byte is 0x%02x, must be 0x00", message.u8(2)));
        }
        int command = message.u8(1);
        if (command != Socks5Wire.CMD_CONNECT) {
            String name = switch (command) {
                case Socks5Wire.CMD_BIND -> "BIND";
                case Socks5Wire.CMD_UDP_ASSOCIATE -> "UDP ASSOCIATE";
                default -> String.format("command 0x%02x", command);
            };
            throw new Socks5Exception(Socks5Exception.Reason.COMMAND_NOT_SUPPORTED, Socks5Reply.COMMAND_NOT_SUPPORTED,
                    name + " is not supported, only CONNECT");
        }
        target = Socks5Wire.decodeAddress(message);
        state = State.REQUEST_RECEIVED;
        return true;
    }

    private static byte[] failureReply(Socks5Reply reply) {
        return Socks5Wire.encode(reply.code(), Socks5Wire.UNSPECIFIED);
    }

    private void send(byte[] bytes) {
        byte[] out = java.util.Arrays.copyOf(output, output.length + bytes.length);
        System.arraycopy(bytes, 0, out, output.length, bytes.length);
        output = out;
    }
}
