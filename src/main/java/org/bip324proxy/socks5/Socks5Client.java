package org.bip324proxy.socks5;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The client side of a SOCKS5 CONNECT (RFC 1928, RFC 1929), sans I/O: the proxy's way through an
 * upstream SOCKS5 proxy such as Tor. Send {@link #takeOutput()} after construction and after each
 * {@link #receive}; when {@code receive} returns true the stream is connected to the target, and
 * any bytes after the reply stay in the caller's buffer (they come from the target).
 *
 * <p>With credentials only username/password is offered, so a server cannot silently drop them
 * (Tor gives each distinct username/password its own circuit: stream isolation).
 *
 * <pre>
 * METHOD -> AUTH       server chose username/password
 * METHOD -> REPLY      server chose no authentication; CONNECT request sent
 * AUTH   -> REPLY      credentials accepted; CONNECT request sent
 * REPLY  -> CONNECTED  reply 0x00
 * any    -> FAILED     violation, refusal, or a failure reply
 * </pre>
 */
public final class Socks5Client {
    /** Where the handshake is. */
    public enum State { METHOD, AUTH, REPLY, CONNECTED, FAILED }

    /** RFC 1929 credentials, 1..255 bytes each. */
    public record Credentials(String username, String password) {
        public Credentials {
            for (String s : new String[] {username, password}) {
                int n = s.getBytes(StandardCharsets.UTF_8).length;
                if (n < 1 || n > Socks5Wire.MAX_DOMAIN) {
                    throw new IllegalArgumentException("SOCKS5 username and password have 1..255 bytes");
                }
            }
        }

        @Override
        public String toString() {
            return "Credentials[" + username + ", ****]";
        }
    }

    private static final byte[] EMPTY = new byte[0];

    private final InetSocketAddress target;
    private final Optional<Credentials> credentials;
    private final Socks5Wire.Message message = new Socks5Wire.Message();
    private State state = State.METHOD;
    private byte[] output;
    private InetSocketAddress bound;

    /**
     * @param target where the server should connect: an unresolved address sends the name for the
     *     server to resolve (ATYP 3)
     */
    public Socks5Client(InetSocketAddress target, Optional<Credentials> credentials) {
        Socks5Wire.encode(Socks5Wire.CMD_CONNECT, target); // rejects names the request cannot carry
        this.target = target;
        this.credentials = credentials;
        int method = credentials.isPresent() ? Socks5Wire.METHOD_USERNAME_PASSWORD : Socks5Wire.METHOD_NO_AUTH;
        output = new byte[] {Socks5Wire.VERSION, 1, (byte) method};
    }

    /**
     * Consumes the server's handshake bytes, never beyond the end of its CONNECT reply.
     *
     * @return true once connected
     * @throws Socks5Exception when the server broke the protocol or refused ({@link Socks5Exception#reply()})
     */
    public boolean receive(ByteBuffer in) throws Socks5Exception {
        try {
            while (in.hasRemaining() && (state == State.METHOD || state == State.AUTH || state == State.REPLY)) {
                boolean complete = switch (state) {
                    case METHOD -> methodSelection(in);
                    case AUTH -> authenticationStatus(in);
                    default -> reply(in);
                };
                if (!complete) {
                    break;
                }
                message.reset();
            }
        } catch (Socks5Exception e) {
            state = State.FAILED;
            throw e;
        }
        return state == State.CONNECTED;
    }

    /** The server closed the stream: an error unless already connected. */
    public void onEof() throws Socks5Exception {
        if (state != State.CONNECTED) {
            state = State.FAILED;
            throw new Socks5Exception(Socks5Exception.Reason.TRUNCATED,
                    "SOCKS5 proxy closed the connection before answering the CONNECT request");
        }
    }

    /** Bytes to send to the server now (and forget). */
    public byte[] takeOutput() {
        byte[] out = output;
        output = EMPTY;
        return out;
    }

    public State state() {
        return state;
    }

    /** The address the server connected from (BND.ADDR, BND.PORT), once connected. */
    public Optional<InetSocketAddress> bound() {
        return Optional.ofNullable(bound);
    }

    private boolean methodSelection(ByteBuffer in) throws Socks5Exception {
        if (!message.fill(in, 2)) {
            return false;
        }
        checkVersion();
        int method = message.u8(1);
        if (method == Socks5Wire.NO_ACCEPTABLE_METHODS) {
            throw new Socks5Exception(Socks5Exception.Reason.NO_ACCEPTABLE_METHOD, "SOCKS5 proxy accepts no offered method ("
                    + (credentials.isPresent() ? "username/password" : "no authentication") + ")");
        }
        if (method == Socks5Wire.METHOD_USERNAME_PASSWORD && credentials.isPresent()) {
            byte[] user = credentials.get().username().getBytes(StandardCharsets.UTF_8);
            byte[] pass = credentials.get().password().getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(3 + user.length + pass.length);
            b.put((byte) Socks5Wire.AUTH_VERSION).put((byte) user.length).put(user).put((byte) pass.length).put(pass);
            output = b.array();
            state = State.AUTH;
        } else if (method == Socks5Wire.METHOD_NO_AUTH && credentials.isEmpty()) {
            output = Socks5Wire.encode(Socks5Wire.CMD_CONNECT, target);
            state = State.REPLY;
        } else {
            throw new Socks5Exception(Socks5Exception.Reason.MALFORMED,
                    String.format("SOCKS5 proxy chose method 0x%02x, which was not offered", method));
        }
        return true;
    }

    private boolean authenticationStatus(ByteBuffer in) throws Socks5Exception {
        if (!message.fill(in, 2)) {
            return false;
        }
        if (message.u8(0) != Socks5Wire.AUTH_VERSION) {
            throw new Socks5Exception(Socks5Exception.Reason.MALFORMED,
                    String.format("username/password reply version 0x%02x, expected 0x01 (RFC 1929)", message.u8(0)));
        }
        if (message.u8(1) != Socks5Wire.AUTH_SUCCESS) {
            throw new Socks5Exception(Socks5Exception.Reason.AUTH_FAILED,
                    String.format("SOCKS5 proxy refused the username/password (status 0x%02x)", message.u8(1)));
        }
        output = Socks5Wire.encode(Socks5Wire.CMD_CONNECT, target);
        state = State.REPLY;
        return true;
    }

    private boolean reply(ByteBuffer in) throws Socks5Exception {
        if (!message.fill(in, 1)) {
            return false;
        }
        checkVersion();
        int needed;
        while ((needed = Socks5Wire.addressMessageLength(message)) > message.length()) {
            if (!message.fill(in, needed)) {
                return false;
            }
        }
        int code = message.u8(1);
        if (code != Socks5Reply.SUCCEEDED.code()) {
            Optional<Socks5Reply> reply = Socks5Reply.of(code);
            throw new Socks5Exception(Socks5Exception.Reason.REFUSED, reply.orElse(Socks5Reply.GENERAL_FAILURE),
                    "SOCKS5 proxy could not connect: " + reply.map(Socks5Reply::toString).orElse(String.format("0x%02x", code)));
        }
        bound = Socks5Wire.decodeAddress(message);
        state = State.CONNECTED;
        return true;
    }

    private void checkVersion() throws Socks5Exception {
        if (message.u8(0) != Socks5Wire.VERSION) {
            throw new Socks5Exception(Socks5Exception.Reason.NOT_SOCKS5,
                    String.format("upstream answered with version 0x%02x: not a SOCKS5 proxy", message.u8(0)));
        }
    }
}
