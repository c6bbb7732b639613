package org.bip324proxy.relay;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.VersionMessage;
import org.bip324proxy.v2.V2Transport;

/**
 * The v1 fallback of an outbound session whose peer closed, reset or stayed silent during the
 * BIP324 handshake: whether it is reconnected and relayed as plain v1 ({@link V1FallbackPolicy},
 * then the destination policy), what the close line says when it is not, and the start of that
 * relay, which then passes bytes through ({@link Passthrough}).
 */
final class V1Fallback {
    private final SessionSettings settings;
    private final SessionStats stats;
    private final Destination destination;
    private final V2Translation handshake;
    private DestinationPolicy.Verdict refusal;

    /** For the handshake {@code handshake} with {@code destination}. */
    V1Fallback(SessionSettings settings, SessionStats stats, Destination destination, V2Translation handshake) {
        this.settings = settings;
        this.stats = stats;
        this.destination = destination;
        this.handshake = handshake;
    }

    /**
     * Whether the peer, which failed the handshake ({@code why}), is reconnected as v1. A refusal
     * is kept for the close line: the policy's reason (a possible downgrade) or the destination
     * policy's verdict.
     */
    boolean decide(String why) {
        V1FallbackPolicy.Decision d = settings.v1Fallback().decide(destination.address(), handshake.v2BytesBeforeKey(),
                stats.v2BytesOut);
        if (d.outcome() != V1FallbackPolicy.Outcome.FALLBACK) {
            stats.downgradeRefused = d.reason();
            return false;
        }
        DestinationPolicy.Verdict verdict = settings.destinationPolicy().checkV1Fallback(destination);
        if (!verdict.allowed()) {
            refusal = verdict;
            return false;
        }
        stats.v1FallbackReason = why;
        return true;
    }

    /** A peer that closes, resets or stays silent before its key may be a v1-only node, or an attacker. */
    FallbackNote note(boolean inHandshake) {
        if (refusal != null && inHandshake) {
            return new FallbackNote.NotAllowed(refusal);
        }
        if (stats.downgradeRefused != null) {
            return new FallbackNote.Refused(stats.downgradeRefused);
        }
        return inHandshake && handshake.v2BytesBeforeKey() < V2Transport.KEY_LEN
                ? new FallbackNote.MaybeV1Only() : new FallbackNote.None();
    }

    /** The destination policy's refusal of the fallback, if it refused. */
    Optional<DestinationPolicy.Verdict> refusal() {
        return Optional.ofNullable(refusal);
    }

    /**
     * Starts the fallback's relay on the new connection: the client's VERSION ({@code payload})
     * framed as v1, the client bytes held since, then every byte untouched.
     */
    static TransportRelay start(Sides sides, Network network, byte[] payload, HeldBytes held) {
        sides.send(Sides.Side.V2, ByteBuffer.wrap(new V1FrameEncoder(network).frame(VersionMessage.COMMAND, payload)));
        sides.stats().v1MessageToPeer(VersionMessage.COMMAND);
        return Passthrough.start(sides, Sides.Side.V1, held);
    }
}
