package org.bip324proxy.relay;

import java.util.Locale;
import org.bip324proxy.v1.V1ProtocolException;
import org.bip324proxy.v2.V2ProtocolException;

/**
 * Why a relayed connection ended, as facts rather than text. Sessions close with one of these;
 * only the edges render it: the close line's {@code reason} ({@link #describe()}) and its
 * {@code cause} field and the {@code connections_closed_total{cause}} metric ({@link #label()}).
 * The vocabulary of labels is documented once, in docs/observability.md. A clean close (both sides
 * finished) has no cause.
 */
public sealed interface CloseCause {
    /** The label of a clean close, where both sides finished and there is no cause. */
    String CLEAN = "ok";

    /** The stable name of this kind of cause: a metric label and the close line's {@code cause} field. */
    String label();

    /** The reason as the close line shows it, naming what happened and, where possible, what to do. */
    String describe();

    /** Who did something: the accepted side (client or stranger) or the dialled side (peer or node). */
    enum Party {
        /** An outbound session's local v1 client. */
        CLIENT,
        /** A BIP324 (or would-be BIP324) party: an outbound session's peer, an inbound session's stranger. */
        PEER,
        /** An inbound session's v1 node. */
        NODE
    }

    /** A party broke the v1 protocol (BIP324's v1 side: framing, magic, checksum, size). */
    record V1ProtocolError(Party from, V1ProtocolException.Reason reason, String message, boolean inVersion)
            implements CloseCause {
        public static V1ProtocolError of(Party from, V1ProtocolException e, boolean inVersion) {
            return new V1ProtocolError(from, e.reason(), e.getMessage(), inVersion);
        }

        @Override
        public String label() {
            return "v1_protocol_error";
        }

        @Override
        public String describe() {
            if (inVersion) {
                return "bad VERSION from client: " + message;
            }
            return "bad v1 data from " + switch (from) {
                case CLIENT -> "client";
                case PEER -> "peer";
                case NODE -> "the node";
            } + ": " + message;
        }
    }

    /** The BIP324 party broke BIP324 (garbage, authentication, packet length). */
    record V2ProtocolError(V2ProtocolException.Reason reason, String message) implements CloseCause {
        public static V2ProtocolError of(V2ProtocolException e) {
            return new V2ProtocolError(e.reason(), e.getMessage());
        }

        @Override
        public String label() {
            return "v2_protocol_error";
        }

        @Override
        public String describe() {
            return "BIP324 error from peer (" + reason.name().toLowerCase(Locale.ROOT) + "): " + message;
        }
    }

    /** The BIP324 party sent a message larger than v1 allows, so it cannot be translated. */
    record OversizedV2Message(String command, int length, int limit) implements CloseCause {
        @Override
        public String label() {
            return "v2_protocol_error";
        }

        @Override
        public String describe() {
            return "peer sent a '" + command + "' payload of " + length + " bytes; v1 allows at most " + limit;
        }
    }

    /** The client's first message is v1 of a network this proxy does not accept. */
    record NetworkNotAccepted(String magicHex, String network, String accepted) implements CloseCause {
        @Override
        public String label() {
            return "first_message_refused";
        }

        @Override
        public String describe() {
            return "client speaks v1 with magic " + magicHex + " (" + network + "), which is not an accepted network ("
                    + accepted + "); add it with --network";
        }
    }

    /** The client's first v1 message is not VERSION. */
    record NotVersion(String command) implements CloseCause {
        @Override
        public String label() {
            return "first_message_refused";
        }

        @Override
        public String describe() {
            return "client's first message is '" + command + "', but a v1 connection must start with 'version'";
        }
    }

    /** The client's VERSION announces more payload than --max-version-size. */
    record VersionTooLarge(long announced, int limit) implements CloseCause {
        @Override
        public String label() {
            return "first_message_refused";
        }

        @Override
        public String describe() {
            return "client's VERSION announces " + announced + " payload bytes; the limit is " + limit + " (--max-version-size)";
        }
    }

    /** No destination may be used: the connection was not redirected and the client named none usable. */
    record NoDestination(Why why, String detail) implements CloseCause {
        /** Which source was missing. */
        public enum Why {
            /** Not v1 (detail: the sniffer's reason) and not redirected: nothing to pass it through to. */
            NOT_V1_AND_NOT_REDIRECTED,
            /** Not redirected, and the --destination mode (detail) does not take addr_recv. */
            NOT_REDIRECTED,
            /** Not redirected, and VERSION's addr_recv is all zero. */
            EMPTY_ADDR_RECV
        }

        @Override
        public String label() {
            return "no_destination";
        }

        @Override
        public String describe() {
            return switch (why) {
                case NOT_V1_AND_NOT_REDIRECTED -> "client does not speak v1 (" + detail
                        + ") and its original destination is unknown, so it cannot be passed through";
                case NOT_REDIRECTED -> "connection was not redirected to the proxy (no original destination), and --destination "
                        + detail + " does not allow addr_recv: check the redirect rules";
                case EMPTY_ADDR_RECV -> "no original destination and the client's VERSION addr_recv is empty (all zero):"
                        + " redirect the client with the iptables/nftables rules instead of connecting directly";
            };
        }
    }

    /** The destination policy refused the destination (the verdict names the rule). */
    record DestinationRefused(Destination destination, DestinationPolicy.Verdict verdict) implements CloseCause {
        @Override
        public String label() {
            return "destination_refused";
        }

        @Override
        public String describe() {
            return "destination " + destination + " refused (rule " + verdict.rule().logName() + "): " + verdict.reason();
        }
    }

    /** Connecting to the dialled side failed; {@code target} names it as the log does. */
    record ConnectFailed(String target, String why) implements CloseCause {
        @Override
        public String label() {
            return "connect_failed";
        }

        @Override
        public String describe() {
            return "cannot connect to " + target + ": " + why;
        }
    }

    /** Reading from or writing to one side's socket failed (e.g. reset). */
    record IoError(Party party, String why, FallbackNote note) implements CloseCause {
        @Override
        public String label() {
            return "io_error";
        }

        @Override
        public String describe() {
            return party.name().toLowerCase(Locale.ROOT) + " connection error: " + why + note.describe();
        }
    }

    /** The BIP324 party closed its side before the handshake completed. */
    record ClosedInHandshake(FallbackNote note) implements CloseCause {
        @Override
        public String label() {
            return "closed_in_handshake";
        }

        @Override
        public String describe() {
            return "peer closed the connection during the BIP324 handshake" + note.describe();
        }
    }

    /** A side closed before its first message was complete (outbound: before VERSION could be delivered). */
    record ClosedEarly(Party party) implements CloseCause {
        @Override
        public String label() {
            return "closed_early";
        }

        @Override
        public String describe() {
            return party == Party.CLIENT ? "client closed before its VERSION could be delivered"
                    : "peer closed before sending a v1 VERSION or a BIP324 key";
        }
    }

    /** A side closed in the middle of a message or packet: the stream was cut, not finished. */
    record Truncated(Party party) implements CloseCause {
        @Override
        public String label() {
            return "truncated";
        }

        @Override
        public String describe() {
            return switch (party) {
                case CLIENT -> "client closed in the middle of a message";
                case PEER -> "peer closed in the middle of a packet";
                case NODE -> "the node closed in the middle of a message";
            };
        }
    }

    /** The engine's timer for {@code phase} expired; {@code target} names the destination as the log does. */
    record Timeout(RelaySession.Direction direction, Phase phase, String target, FallbackNote note)
            implements CloseCause {
        @Override
        public String label() {
            return "timeout_" + phase.logName();
        }

        @Override
        public String describe() {
            boolean in = direction == RelaySession.Direction.INBOUND;
            return switch (phase) {
                case FIRST_MESSAGE -> in ? "no v1 VERSION prefix or BIP324 key from the peer in time"
                        : "no complete first message from the client in time";
                case CONNECTING -> "timed out connecting to " + target;
                case HANDSHAKE -> in ? "peer did not complete the BIP324 handshake in time"
                        : "BIP324 handshake with " + target + " timed out" + note.describe();
                case RELAY -> "idle timeout";
                case CLOSED -> throw new IllegalStateException("no timeout in phase CLOSED");
            };
        }
    }

    /** The proxy is stopping and the grace period for draining has passed. */
    record Shutdown() implements CloseCause {
        @Override
        public String label() {
            return "shutdown";
        }

        @Override
        public String describe() {
            return "proxy is shutting down";
        }
    }

    /** A bug: something the session or engine did not expect was thrown (contained to this connection). */
    record InternalError(String error) implements CloseCause {
        @Override
        public String label() {
            return "internal_error";
        }

        @Override
        public String describe() {
            return "internal error: " + error;
        }
    }
}
