package org.bip324proxy.v1;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.bip324proxy.bytes.Endian;

/**
 * A parsed VERSION payload, read the way Bitcoin Core's {@code ProcessMessage} reads it:
 *
 * <pre>
 *  off  size
 *    0     4  int32   version
 *    4     8  uint64  services
 *   12     8  int64   time
 *   20    26  addr_recv: uint64 services, 16-byte IPv6 (IPv4 as ::ffff:a.b.c.d), big-endian uint16 port
 *  --- mandatory up to here (46 bytes); each group below is read only if bytes remain ---
 *   46    34  addr_from (26, same layout) + uint64 nonce  (all 34 bytes required once present)
 *   80     n  user_agent: CompactSize length (at most 256) + bytes
 *          4  int32   start_height
 *          1  bool    relay
 *             anything after that is ignored by Core and kept untouched here
 * </pre>
 *
 * Malformed payloads throw {@link V1ProtocolException} with reason TRUNCATED_PAYLOAD,
 * BAD_COMPACT_SIZE or USER_AGENT_TOO_LONG (Core would fail deserialization on the same inputs);
 * {@link VersionLayout} checks the structure and finds the optional fields.
 * The parsed object keeps its own copy of the payload so {@link #appendUserAgentSuffix} can
 * rewrite it byte-exactly. Immutable and thread-safe.
 */
public final class VersionMessage {
    /** The VERSION command string. */
    public static final String COMMAND = "version";
    /** Bytes that every VERSION payload must have: version, services, time, addr_recv. */
    public static final int MIN_LENGTH = 46;

    private static final byte[] IPV4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private final byte[] payload;
    private final VersionLayout layout;

    private VersionMessage(byte[] payload) throws V1ProtocolException {
        this.payload = payload;
        this.layout = VersionLayout.of(payload);
    }

    /** Parses {@code a[off..off+len)}; the bytes are copied. */
    public static VersionMessage parse(byte[] a, int off, int len) throws V1ProtocolException {
        Objects.checkFromIndexSize(off, len, Objects.requireNonNull(a, "a").length);
        return new VersionMessage(Arrays.copyOfRange(a, off, off + len));
    }

    /** Parses the payload of a decoded message, which must be a {@value #COMMAND} message. */
    public static VersionMessage parse(V1Message message) throws V1ProtocolException {
        if (!message.isCommand(COMMAND)) {
            throw new IllegalArgumentException("not a version message: " + message.command());
        }
        return parse(message.array(), message.offset(), message.length());
    }

    /** Protocol version (e.g. 70016). */
    public int version() {
        return readLE32(0);
    }

    /** Service bits of the sender. */
    public long services() {
        return readLE64(4);
    }

    /** Sender's UNIX time in seconds. */
    public long timestamp() {
        return readLE64(12);
    }

    /** Service bits the sender claims for the receiver (ignored by Core). */
    public long addrRecvServices() {
        return readLE64(VersionLayout.ADDR_RECV_OFFSET);
    }

    /**
     * The address the sender believes it is talking to; empty when it is unspecified (all-zero
     * IPv6 {@code ::} or IPv4 {@code 0.0.0.0}), as Core sends for peers it cannot route to.
     * IPv4-mapped addresses yield an {@link java.net.Inet4Address}.
     */
    public Optional<InetSocketAddress> addrRecv() {
        return address(VersionLayout.ADDR_RECV_OFFSET);
    }

    /** The address the sender claims for itself (ignored by Core); empty if absent or unspecified. */
    public Optional<InetSocketAddress> addrFrom() {
        return layout.hasAddrFrom() ? address(VersionLayout.ADDR_FROM_OFFSET) : Optional.empty();
    }

    /** Whether the payload continues past addr_recv (addr_from and nonce are then present). */
    public boolean hasAddrFrom() {
        return layout.hasAddrFrom();
    }

    /** Random nonce for self-connection detection, if present. */
    public OptionalLong nonce() {
        return layout.hasAddrFrom() ? OptionalLong.of(readLE64(VersionLayout.NONCE_OFFSET)) : OptionalLong.empty();
    }

    /** Whether the payload contains a user agent field (possibly empty). */
    public boolean hasUserAgent() {
        return layout.userAgentFieldOffset() >= 0;
    }

    /**
     * The user agent (BIP14 subversion, e.g. "/Satoshi:27.0.0/") decoded as UTF-8 with malformed
     * bytes replaced; "" when absent. For display only: {@link #userAgentBytes()} are authoritative.
     */
    public String userAgent() {
        return new String(payload, layout.userAgentOffset(), layout.userAgentLength(), StandardCharsets.UTF_8);
    }

    /** The raw user agent bytes (a copy); empty when absent. */
    public byte[] userAgentBytes() {
        return Arrays.copyOfRange(payload, layout.userAgentOffset(), layout.userAgentEnd());
    }

    /** Best block height of the sender, if present. */
    public OptionalInt startHeight() {
        if (!layout.hasStartHeight()) {
            return OptionalInt.empty();
        }
        int at = layout.userAgentEnd();
        return OptionalInt.of(readLE32(at));
    }

    /** BIP37 relay flag (any non-zero byte is true), if present; Core assumes true when absent. */
    public Optional<Boolean> relay() {
        if (!layout.hasRelay()) {
            return Optional.empty();
        }
        return Optional.of(payload[layout.userAgentEnd() + 4] != 0);
    }

    /** Payload length in bytes. */
    public int length() {
        return payload.length;
    }

    /** A copy of the payload. */
    public byte[] payload() {
        return payload.clone();
    }

    /** What {@link #appendUserAgentSuffix} did. */
    public enum Outcome {
        /** The suffix was appended. */
        APPENDED,
        /** Appending would exceed {@link V1Protocol#MAX_SUBVERSION_LENGTH}; the payload is unchanged. */
        TOO_LONG,
        /** The payload ends before the user agent field; it is left unchanged rather than extended. */
        NO_USER_AGENT
    }

    /** A rewritten (or unchanged) VERSION payload, always a fresh array, and what happened. */
    public record UserAgentRewrite(byte[] payload, Outcome outcome) {
        public boolean applied() {
            return outcome == Outcome.APPENDED;
        }
    }

    /**
     * Appends {@code suffix} to the user agent. The result differs from the original payload only
     * in the user agent field: its CompactSize is re-encoded for the new length (which may change
     * its width) and the suffix bytes follow the old user agent; every other byte, including any
     * trailing bytes Core ignores, is copied unchanged. The user agent never exceeds 256 bytes:
     * if it would, or if the payload has no user agent field, the original bytes are returned
     * with an outcome saying so. Re-frame the result with {@link V1FrameEncoder} (new checksum).
     *
     * @param suffix printable ASCII (0x20..0x7E), e.g. "bip324-proxy:0.1/"
     * @throws IllegalArgumentException if the suffix contains other characters
     */
    public UserAgentRewrite appendUserAgentSuffix(String suffix) {
        checkUserAgentSuffix(suffix);
        if (!hasUserAgent()) {
            return new UserAgentRewrite(payload.clone(), Outcome.NO_USER_AGENT);
        }
        int newLength = layout.userAgentLength() + suffix.length();
        if (newLength > V1Protocol.MAX_SUBVERSION_LENGTH) {
            return new UserAgentRewrite(payload.clone(), Outcome.TOO_LONG);
        }
        int oldFieldSize = CompactSize.encodedSize(layout.userAgentLength());
        int newFieldSize = CompactSize.encodedSize(newLength);
        byte[] out = new byte[payload.length + suffix.length() + newFieldSize - oldFieldSize];
        System.arraycopy(payload, 0, out, 0, layout.userAgentFieldOffset());
        int w = layout.userAgentFieldOffset() + CompactSize.write(newLength, out, layout.userAgentFieldOffset());
        System.arraycopy(payload, layout.userAgentOffset(), out, w, layout.userAgentLength());
        w += layout.userAgentLength();
        for (int i = 0; i < suffix.length(); i++) {
            out[w++] = (byte) suffix.charAt(i);
        }
        int rest = layout.userAgentEnd();
        System.arraycopy(payload, rest, out, w, payload.length - rest);
        return new UserAgentRewrite(out, Outcome.APPENDED);
    }

    /**
     * Checks a suffix for {@link #appendUserAgentSuffix} once, before any message arrives.
     *
     * @throws IllegalArgumentException if it has characters other than printable ASCII
     *     (0x20..0x7E), or is longer than {@value V1Protocol#MAX_SUBVERSION_LENGTH} characters and
     *     so could never be appended
     */
    public static void checkUserAgentSuffix(String suffix) {
        Objects.requireNonNull(suffix, "suffix");
        for (int i = 0; i < suffix.length(); i++) {
            if (!V1Protocol.isCommandChar(suffix.charAt(i))) {
                throw new IllegalArgumentException(String.format(
                        "user agent suffix must be printable ASCII; char U+%04X at index %d", (int) suffix.charAt(i), i));
            }
        }
        if (suffix.length() > V1Protocol.MAX_SUBVERSION_LENGTH) {
            throw new IllegalArgumentException("user agent suffix has " + suffix.length()
                    + " characters; a user agent holds at most " + V1Protocol.MAX_SUBVERSION_LENGTH);
        }
    }

    /**
     * {@link #appendUserAgentSuffix}'s payload: the rewritten payload, or a copy of the original
     * when the suffix does not fit in 256 bytes or there is no user agent field.
     */
    public byte[] withUserAgentSuffix(String suffix) {
        return appendUserAgentSuffix(suffix).payload();
    }

    private Optional<InetSocketAddress> address(int off) {
        int ip = off + 8;
        boolean mapped = Arrays.equals(payload, ip, ip + 12, IPV4_MAPPED_PREFIX, 0, 12);
        byte[] raw = mapped ? Arrays.copyOfRange(payload, ip + 12, ip + 16) : Arrays.copyOfRange(payload, ip, ip + 16);
        boolean unspecified = true;
        for (byte b : raw) {
            unspecified &= b == 0;
        }
        if (unspecified) {
            return Optional.empty();
        }
        int port = Endian.be16(payload, ip + 16);
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByAddress(raw), port));
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always a valid address", e);
        }
    }

    private int readLE32(int off) {
        return Endian.le32(payload, off);
    }

    private long readLE64(int off) {
        return (readLE32(off) & 0xFFFFFFFFL) | (long) readLE32(off + 4) << 32;
    }

    @Override
    public String toString() {
        return "VersionMessage[version=" + version() + ", userAgent=\"" + V1Protocol.escape(payload, layout.userAgentOffset(),
                layout.userAgentLength()) + "\", addrRecv=" + addrRecv().map(Object::toString).orElse("unspecified") + ", "
                + payload.length + " bytes]";
    }
}
