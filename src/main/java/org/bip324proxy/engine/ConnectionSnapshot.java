package org.bip324proxy.engine;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.OptionalLong;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.Phase;
import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.relay.TrafficStats;
import org.bip324proxy.relay.Transport;
import org.bip324proxy.v1.Network;

/**
 * What one live connection looks like at a moment, taken on its event-loop thread. Facts, not
 * text: the edges (status document, metrics, table) render them with the values' own names
 * ({@code logName()}, {@link org.bip324proxy.relay.Endpoints#format}). Empty means not (yet) known.
 *
 * @param id the connection number used in log lines
 * @param direction outbound (a local client's connection out) or inbound (a stranger reaching the protected node)
 * @param client the client's address
 * @param destination the peer's address and how it was found; empty until known
 * @param upstream the upstream SOCKS5 proxy the peer connection goes through; empty if direct
 * @param network the v1 network; empty until the client's VERSION was read (or for passthrough)
 * @param transport what is spoken to the peer; empty until chosen
 * @param phase the session phase
 * @param sessionId the BIP324 session id in hex; empty before the handshake derived it
 * @param ageMillis time since the client connected
 * @param handshakeMillis time from connecting to the peer's version packet; empty if not (yet) done
 */
public record ConnectionSnapshot(
        long id,
        RelaySession.Direction direction,
        InetSocketAddress client,
        Optional<Destination> destination,
        Optional<InetSocketAddress> upstream,
        Optional<Network> network,
        Optional<Transport> transport,
        Phase phase,
        Optional<String> sessionId,
        long ageMillis,
        OptionalLong handshakeMillis,
        TrafficStats traffic) {
}
