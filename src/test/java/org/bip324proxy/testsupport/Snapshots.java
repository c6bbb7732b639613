package org.bip324proxy.testsupport;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.OptionalLong;
import org.bip324proxy.engine.ConnectionSnapshot;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.Phase;
import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.relay.TrafficStats;
import org.bip324proxy.relay.Transport;
import org.bip324proxy.v1.Network;

/** Made-up {@link ConnectionSnapshot}s for tests of the renderers (status document, metrics, table). */
public final class Snapshots {
    private Snapshots() {
    }

    /** A mainnet v2 connection in the relay phase, direct, without a session id yet. */
    public static ConnectionSnapshot relaying(long id, RelaySession.Direction direction, InetSocketAddress client,
            Destination destination, OptionalLong handshakeMillis, TrafficStats traffic) {
        return new ConnectionSnapshot(id, direction, client, Optional.of(destination), Optional.empty(),
                Optional.of(Network.MAINNET), Optional.of(Transport.V2), Phase.RELAY,
                Optional.empty(), 1000, handshakeMillis, traffic);
    }

    /** An outbound connection from 127.0.0.1:1 to 192.0.2.1:8333 (found in addr_recv) that moved {@code v1BytesIn}. */
    public static ConnectionSnapshot outbound(long id, long v1BytesIn) {
        return relaying(id, RelaySession.Direction.OUTBOUND, new InetSocketAddress("127.0.0.1", 1),
                new Destination(new InetSocketAddress("192.0.2.1", 8333), Destination.Source.ADDR_RECV), OptionalLong.empty(),
                new TrafficStats(v1BytesIn, 0, 0, 0, java.util.Map.of(), java.util.Map.of(), 0, 0, 0, 0, 0, 0, 0));
    }
}
