/**
 * The v1 (pre-BIP324) Bitcoin P2P transport, sans I/O: plain objects that turn bytes into
 * messages and messages into bytes, with no sockets and no threads, so an event loop can call
 * them on every read regardless of how TCP segmented the stream.
 *
 * <ul>
 *   <li>{@link org.bip324proxy.v1.Network}: magic, name and default port of a network.</li>
 *   <li>{@link org.bip324proxy.v1.V1Sniffer}: is this connection v1, and on which network?</li>
 *   <li>{@link org.bip324proxy.v1.V1FrameDecoder}: bytes to {@link org.bip324proxy.v1.V1Message}s,
 *       each payload in its own array with headroom for the next transport's framing.</li>
 *   <li>{@link org.bip324proxy.v1.V1FrameEncoder}: the 24-byte header for a payload.</li>
 *   <li>{@link org.bip324proxy.v1.VersionMessage}: VERSION fields and the user-agent rewrite.</li>
 * </ul>
 *
 * Peer-caused violations are {@link org.bip324proxy.v1.V1ProtocolException}s (checked, with a
 * {@link org.bip324proxy.v1.V1ProtocolException.Reason}); caller mistakes are unchecked.
 */
package org.bip324proxy.v1;
