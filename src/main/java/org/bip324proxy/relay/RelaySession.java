package org.bip324proxy.relay;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1ProtocolException;

/**
 * One relayed connection's logic as the engine drives it, sans I/O. The "client" is the socket the
 * proxy accepted, the "peer" the one it dials. {@link ProxySession} (outbound: a v1 client, a v2
 * peer) and {@link InboundSession} (inbound: a v2 or v1 stranger, the v1 node) implement it.
 */
public interface RelaySession {
    /** Which way the relayed connection goes, for logs, status and metrics. */
    enum Direction {
        /** A local v1 client's connection out to a peer (redirect listener). */
        OUTBOUND,
        /** A stranger's connection in to the operator's v1 node (--inbound listener). */
        INBOUND;

        public String logName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Connects to the destination the listener already knows, before the client's first message (a
     * SOCKS5 client waits for its reply). Only sessions given such a destination support it.
     */
    default void connectBeforeFirstMessage() {
        throw new IllegalStateException(getClass().getSimpleName() + " connects only after the client's first bytes");
    }

    /** Bytes read from the accepted socket; {@code in} is fully consumed (copied where kept). */
    void onClientBytes(ByteBuffer in);

    /** The connection requested by {@link SessionActions#connectPeer} is established. */
    void onPeerConnected();

    /** Connecting to the dialled side failed. */
    void onPeerConnectFailed(String why);

    /** Bytes read from the dialled socket; {@code in} is fully consumed. */
    void onPeerBytes(ByteBuffer in);

    /** A message sent with {@link SessionActions#sendToPeerAfter} failed its checksum. */
    void onClientChecksumFailed(V1ProtocolException failure);

    /** The accepted socket closed its sending side (EOF). */
    void onClientEof();

    /** The dialled socket closed its sending side (EOF). */
    void onPeerEof();

    /** Reading from or writing to a socket failed (e.g. connection reset). */
    void onError(boolean peerSide, String why);

    /** The engine's timer for the current phase expired. */
    void onTimeout();

    /** The proxy is shutting down and the grace period for draining has passed. */
    void onShutdown();

    Phase phase();

    /** Whether the engine should read from the accepted socket now (besides its own backpressure). */
    boolean wantsClientBytes();

    /** Whether the engine should read from the dialled socket now. */
    boolean wantsPeerBytes();

    Optional<Transport> transport();

    Optional<Destination> destination();

    Optional<Network> network();

    /** Why the session closed; empty while open or after a clean close by both sides. */
    Optional<CloseCause> closeCause();

    /** The destination-policy verdict that refused a connection or the v1 fallback, if one did. */
    default Optional<DestinationPolicy.Verdict> refusal() {
        return Optional.empty();
    }

    SessionStats stats();

    /**
     * Heap this session holds for input not yet passed on (kept bytes, partial messages and
     * packets): what the engine counts against the memory budget besides its queues.
     */
    long bufferedBytes();

    default Direction direction() {
        return Direction.OUTBOUND;
    }
}
