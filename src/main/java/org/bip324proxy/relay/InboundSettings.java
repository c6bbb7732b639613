package org.bip324proxy.relay;

import java.security.SecureRandom;
import java.util.Objects;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.v1.Network;

/**
 * What every {@link InboundSession} of one proxy shares.
 *
 * @param network the protected node's network, chosen by the operator: its magic is the v1 prefix
 *     strangers are compared with and salts the BIP324 keys
 * @param aeadBackend the ChaCha20-Poly1305 implementation for new sessions
 * @param rng randomness for keys and garbage
 * @param advertiseV2 set NODE_P2P_V2 in the node's VERSION and self-announcement on v2 sessions
 *     ({@link AdvertiseV2})
 */
public record InboundSettings(Network network, AeadBackend aeadBackend, SecureRandom rng, boolean advertiseV2) {
    public InboundSettings {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(aeadBackend, "aeadBackend");
        Objects.requireNonNull(rng, "rng");
    }
}
