package org.bip324proxy.relay;

import java.nio.ByteBuffer;

/**
 * The passthrough transport's relay: every byte goes to the other side untouched (a client that
 * is not v1, a v1 stranger in front of the node, and a v1 fallback once its VERSION is sent).
 */
final class Passthrough implements TransportRelay {
    private final Sides sides;

    private Passthrough(Sides sides) {
        this.sides = sides;
    }

    /** Starts once both sides are connected: the bytes held from {@code heldFrom} so far (if any) go first. */
    static Passthrough start(Sides sides, Sides.Side heldFrom, HeldBytes held) {
        Passthrough relay = new Passthrough(sides);
        if (held.length() > 0) {
            relay.received(heldFrom, held.view());
        }
        return relay;
    }

    /** The read buffer is the engine's: what is passed on is copied. */
    @Override
    public void received(Sides.Side from, ByteBuffer in) {
        ByteBuffer copy = ByteBuffer.allocate(in.remaining());
        copy.put(in).flip();
        sides.send(from.other(), copy);
    }

    @Override
    public void ended(Sides.Side side) {
        sides.finish(side);
    }

    @Override
    public boolean wantsBytes(Sides.Side side) {
        return !sides.ended(side);
    }

    @Override
    public long bufferedBytes() {
        return 0;
    }
}
