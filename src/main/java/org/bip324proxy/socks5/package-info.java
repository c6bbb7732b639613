/**
 * SOCKS version 5 (RFC 1928) with username/password authentication (RFC 1929), sans I/O: both
 * sides of the handshake as plain objects that consume bytes and produce bytes, for any
 * segmentation of the stream (tests feed them one byte at a time).
 *
 * <ul>
 *   <li>{@link org.bip324proxy.socks5.Socks5Server}: the proxy's side for SOCKS5 clients
 *       (greeting, method selection, authentication, CONNECT request, reply).</li>
 *   <li>{@link org.bip324proxy.socks5.Socks5Client}: the proxy's side towards an upstream SOCKS5
 *       proxy such as Tor.</li>
 *   <li>{@link org.bip324proxy.socks5.Socks5Reply}: the reply codes of RFC 1928 §6.</li>
 *   <li>{@link org.bip324proxy.socks5.Socks5Users}: who may use the listener.</li>
 * </ul>
 *
 * Violations by the other side are {@link org.bip324proxy.socks5.Socks5Exception}s (checked, with
 * a {@link org.bip324proxy.socks5.Socks5Exception.Reason}); caller mistakes are unchecked.
 * Every message is at most {@value org.bip324proxy.socks5.Socks5Wire#MAX_MESSAGE} bytes, so each
 * handshake holds one fixed buffer of that size.
 */
package org.bip324proxy.socks5;
