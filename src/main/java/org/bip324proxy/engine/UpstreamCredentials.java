package org.bip324proxy.engine;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.bip324proxy.socks5.Socks5Client;

/**
 * Credentials for one connection through the upstream SOCKS5 proxy. Tor keeps streams with
 * different username/password on different circuits (IsolateSOCKSAuth, on by default), so fresh
 * random credentials per connection give each peer a circuit of its own, as Bitcoin Core's
 * {@code -proxyrandomize} does. A SOCKS5 client's own username is never passed on.
 */
final class UpstreamCredentials {
    private static final int RANDOM_BYTES = 12;

    private UpstreamCredentials() {}

    static Socks5Client.Credentials random(SecureRandom rng) {
        byte[] b = new byte[2 * RANDOM_BYTES];
        rng.nextBytes(b);
        HexFormat hex = HexFormat.of();
        return new Socks5Client.Credentials(hex.formatHex(b, 0, RANDOM_BYTES), hex.formatHex(b, RANDOM_BYTES, 2 * RANDOM_BYTES));
    }
}
