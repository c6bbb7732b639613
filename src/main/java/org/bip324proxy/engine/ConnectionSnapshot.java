package org.bip324proxy.engine;

import org.bip324proxy.relay.TrafficStats;

/**
 * What one live connection looks like at a moment, taken on its event-loop thread.
 *
 * @param id the connection number used in log lines
 * @param direction outbound (a local client's connection out) or inbound (a stranger reaching the protected node)
 * @param client the client's address
 * @param destination the peer's address, null until known
 * @param via how the destination was found (original_dst, tproxy, addr_recv, socks5), null until known
 * @param upstream the upstream SOCKS5 proxy the peer connection goes through, null if direct
 * @param network the v1 network, null until the client's VERSION was read (or for passthrough)
 * @param transport v2, passthrough or v1_fallback; null until chosen
 * @param phase the session phase (first_message, connecting, handshake, relay, closed)
 * @param sessionId the BIP324 session id in hex, null before the handshake derived it
 * @param ageMillis time since the client connected
 * @param handshakeMillis time from connecting to the peer's version packet, -1 if not (yet) done
 */
public record ConnectionSnapshot(
        long id,
        String direction,
        String client,
        String destination,
        String via,
        String upstream,
        String network,
        String transport,
        String phase,
        String sessionId,
        long ageMillis,
        long handshakeMillis,
        TrafficStats traffic) {
}
