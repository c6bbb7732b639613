package org.bip324proxy.engine;

import java.nio.ByteBuffer;
import org.bip324proxy.socks5.Socks5Server;

/**
 * A SOCKS5 client whose CONNECT request was read, as {@link Socks5Front} hands it to its
 * {@link Connection}: its handshake (to reply with) and the bytes it sent after the request.
 */
record Socks5Handover(Socks5Server handshake, ByteBuffer earlyBytes) {}
