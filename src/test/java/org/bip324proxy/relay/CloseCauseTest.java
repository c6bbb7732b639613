package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.stream.Stream;
import org.bip324proxy.v1.V1ProtocolException;
import org.bip324proxy.v2.V2ProtocolException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of {@link CloseCause}, rendered: the close line's reason text (unchanged from when
 * sessions closed with free text, so operators' log searches keep working) and the label shared
 * by the close line's {@code cause} field and {@code connections_closed_total{cause}} (the
 * vocabulary in docs/observability.md).
 */
@Tag("fast")
class CloseCauseTest {
    private static final Destination DEST = new Destination(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 8333), Destination.Source.SO_ORIGINAL_DST);
    private static final String AT = "127.0.0.1:8333 via so_original_dst";
    private static final DestinationPolicy.Verdict LOOPBACK = DestinationPolicy.Verdict.refuse(
            DestinationPolicy.Rule.LOOPBACK, "it is a loopback address (allow it with --allow-destination)");

    static Stream<Arguments> causes() {
        return Stream.of(
                Arguments.of(new CloseCause.V1ProtocolError(CloseCause.Party.CLIENT, V1ProtocolException.Reason.BAD_MAGIC,
                        "BAD_MAGIC: x", false), "v1_protocol_error", "bad v1 data from client: BAD_MAGIC: x"),
                Arguments.of(new CloseCause.V1ProtocolError(CloseCause.Party.CLIENT, V1ProtocolException.Reason.BAD_CHECKSUM,
                        "BAD_CHECKSUM: y", true), "v1_protocol_error", "bad VERSION from client: BAD_CHECKSUM: y"),
                Arguments.of(new CloseCause.V1ProtocolError(CloseCause.Party.NODE, V1ProtocolException.Reason.BAD_CHECKSUM,
                        "z", false), "v1_protocol_error", "bad v1 data from the node: z"),
                Arguments.of(new CloseCause.V2ProtocolError(V2ProtocolException.Reason.AUTHENTICATION_FAILED, "packet 3"),
                        "v2_protocol_error", "BIP324 error from peer (authentication_failed): packet 3"),
                Arguments.of(new CloseCause.OversizedV2Message("block", 4_000_001, 4_000_000), "v2_protocol_error",
                        "peer sent a 'block' payload of 4000001 bytes; v1 allows at most 4000000"),
                Arguments.of(new CloseCause.NetworkNotAccepted("0a03cf40", "signet", "mainnet"), "first_message_refused",
                        "client speaks v1 with magic 0a03cf40 (signet), which is not an accepted network (mainnet);"
                                + " add it with --network"),
                Arguments.of(new CloseCause.NotVersion("ping"), "first_message_refused",
                        "client's first message is 'ping', but a v1 connection must start with 'version'"),
                Arguments.of(new CloseCause.VersionTooLarge(4_000_000, 4096), "first_message_refused",
                        "client's VERSION announces 4000000 payload bytes; the limit is 4096 (--max-version-size)"),
                Arguments.of(new CloseCause.NoDestination(CloseCause.NoDestination.Why.NOT_V1_AND_NOT_REDIRECTED, "no magic"),
                        "no_destination", "client does not speak v1 (no magic) and its original destination is unknown,"
                                + " so it cannot be passed through"),
                Arguments.of(new CloseCause.NoDestination(CloseCause.NoDestination.Why.NOT_REDIRECTED, "original-dst"),
                        "no_destination", "connection was not redirected to the proxy (no original destination), and"
                                + " --destination original-dst does not allow addr_recv: check the redirect rules"),
                Arguments.of(new CloseCause.NoDestination(CloseCause.NoDestination.Why.EMPTY_ADDR_RECV, ""),
                        "no_destination", "no original destination and the client's VERSION addr_recv is empty (all zero):"
                                + " redirect the client with the iptables/nftables rules instead of connecting directly"),
                Arguments.of(new CloseCause.DestinationRefused(DEST, LOOPBACK), "destination_refused",
                        "destination " + AT + " refused (rule loopback): it is a loopback address (allow it with --allow-destination)"),
                Arguments.of(new CloseCause.ConnectFailed(AT, "Connection refused"), "connect_failed",
                        "cannot connect to " + AT + ": Connection refused"),
                Arguments.of(new CloseCause.IoError(CloseCause.Party.PEER, "Connection reset", new FallbackNote.MaybeV1Only()),
                        "io_error", "peer connection error: Connection reset (the peer may only speak v1: see --v1-fallback)"),
                Arguments.of(new CloseCause.IoError(CloseCause.Party.NODE, "Broken pipe", new FallbackNote.None()),
                        "io_error", "node connection error: Broken pipe"),
                Arguments.of(new CloseCause.ClosedInHandshake(new FallbackNote.Refused(V1FallbackPolicy.REQUIRE_V2)),
                        "closed_in_handshake", "peer closed the connection during the BIP324 handshake (v1 fallback refused: require_v2)"),
                Arguments.of(new CloseCause.ClosedInHandshake(new FallbackNote.Refused(V1FallbackPolicy.KNOWN_V2_HANDSHAKE)),
                        "closed_in_handshake", "peer closed the connection during the BIP324 handshake (v1 fallback refused:"
                                + " known_v2_handshake: this destination is known to speak BIP324, possible downgrade attack)"),
                Arguments.of(new CloseCause.ClosedInHandshake(new FallbackNote.NotAllowed(DestinationPolicy.Verdict.refuse(
                        DestinationPolicy.Rule.V1_FALLBACK_REDIRECTED_ONLY, "why"))), "closed_in_handshake",
                        "peer closed the connection during the BIP324 handshake (no v1 fallback, rule v1-fallback-redirected-only: why)"),
                Arguments.of(new CloseCause.ClosedEarly(CloseCause.Party.CLIENT), "closed_early",
                        "client closed before its VERSION could be delivered"),
                Arguments.of(new CloseCause.ClosedEarly(CloseCause.Party.PEER), "closed_early",
                        "peer closed before sending a v1 VERSION or a BIP324 key"),
                Arguments.of(new CloseCause.Truncated(CloseCause.Party.CLIENT), "truncated", "client closed in the middle of a message"),
                Arguments.of(new CloseCause.Truncated(CloseCause.Party.PEER), "truncated", "peer closed in the middle of a packet"),
                Arguments.of(new CloseCause.Truncated(CloseCause.Party.NODE), "truncated", "the node closed in the middle of a message"),
                timeout(RelaySession.Direction.OUTBOUND, Phase.FIRST_MESSAGE, "timeout_first_message",
                        "no complete first message from the client in time"),
                timeout(RelaySession.Direction.OUTBOUND, Phase.CONNECTING, "timeout_connecting",
                        "timed out connecting to " + AT),
                timeout(RelaySession.Direction.OUTBOUND, Phase.HANDSHAKE, "timeout_handshake",
                        "BIP324 handshake with " + AT + " timed out (the peer may only speak v1: see --v1-fallback)"),
                timeout(RelaySession.Direction.OUTBOUND, Phase.RELAY, "timeout_relay", "idle timeout"),
                timeout(RelaySession.Direction.INBOUND, Phase.FIRST_MESSAGE, "timeout_first_message",
                        "no v1 VERSION prefix or BIP324 key from the peer in time"),
                timeout(RelaySession.Direction.INBOUND, Phase.HANDSHAKE, "timeout_handshake",
                        "peer did not complete the BIP324 handshake in time"),
                Arguments.of(new CloseCause.Shutdown(), "shutdown", "proxy is shutting down"),
                Arguments.of(new CloseCause.InternalError("java.lang.IllegalStateException: x"), "internal_error",
                        "internal error: java.lang.IllegalStateException: x"));
    }

    private static Arguments timeout(RelaySession.Direction direction, Phase phase, String label, String text) {
        FallbackNote note = phase == Phase.HANDSHAKE ? new FallbackNote.MaybeV1Only() : new FallbackNote.None();
        return Arguments.of(new CloseCause.Timeout(direction, phase, AT, note), label, text);
    }

    @ParameterizedTest
    @MethodSource("causes")
    void rendersItsLabelAndReason(CloseCause cause, String label, String reason) {
        assertEquals(label, cause.label());
        assertEquals(reason, cause.describe());
    }

    /** Every label appears in the documented vocabulary. */
    @ParameterizedTest
    @MethodSource("causes")
    void everyLabelIsDocumented(CloseCause cause) throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/observability.md"));
        assertTrue(doc.contains("`" + cause.label() + "`"), cause.label() + " is not in docs/observability.md");
    }
}
