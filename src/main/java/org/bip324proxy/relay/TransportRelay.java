package org.bip324proxy.relay;

import java.nio.ByteBuffer;

/**
 * How a session relays once its transport is chosen, one implementation per transport:
 * {@link V2Translation} (v1 messages ⇄ BIP324 packets) and {@link Passthrough} (bytes untouched:
 * a client that is not v1, a v1 stranger, and the v1 fallback after its VERSION). The session
 * keeps the phases, the destination and the timeouts, and hands every byte and end of the relay to
 * its strategy. Both directions use the same strategies: they speak of the v1 side and the v2
 * side ({@link Sides}), which stand for the client or the peer depending on the direction.
 */
interface TransportRelay {
    /** Bytes read from {@code from}; {@code in} is consumed (copied where kept). */
    void received(Sides.Side from, ByteBuffer in);

    /** {@code side}'s EOF: a clean end (half-close) or a truncated message or packet (close). */
    void ended(Sides.Side side);

    /** Whether {@code side} should be read now (besides the engine's backpressure). */
    boolean wantsBytes(Sides.Side side);

    /** Heap held for input not yet passed on (partial messages and packets, held bytes). */
    long bufferedBytes();

    /** Wipes key material; called when the session closes or the transport is abandoned. */
    default void destroy() {
    }
}
