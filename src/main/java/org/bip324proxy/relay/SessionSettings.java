package org.bip324proxy.relay;

import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1Protocol;
import org.bip324proxy.v1.VersionMessage;

/**
 * What every {@link ProxySession} of one proxy shares: immutable, checked when built. Build it with
 * {@link #builder()} (the CLI, the bench, the selftest and the tests all do).
 *
 * @param networks the networks whose v1 clients are accepted (matched by magic)
 * @param destinationMode where destinations may come from
 * @param v1Fallback when to relay plain v1 to a peer that does not answer the BIP324 handshake
 * @param userAgentSuffix appended to the client's VERSION user agent, if present
 * @param aeadBackend the ChaCha20-Poly1305 implementation for new sessions
 * @param destinationPolicy where the proxy may connect
 * @param rng randomness for keys and garbage
 * @param maxVersionSize most payload bytes the client's first message (VERSION) may announce; it is
 *     buffered until complete, so this bounds what a client can make the proxy hold before any peer
 */
public record SessionSettings(
        List<Network> networks,
        DestinationMode destinationMode,
        V1FallbackPolicy v1Fallback,
        Optional<String> userAgentSuffix,
        AeadBackend aeadBackend,
        DestinationPolicy destinationPolicy,
        SecureRandom rng,
        int maxVersionSize) {

    /**
     * Default {@link #maxVersionSize}: a few KiB. A VERSION is about 100 bytes plus a user agent of
     * at most 256 (Bitcoin Core's MAX_SUBVERSION_LENGTH); newer fields stay far below this.
     */
    public static final int DEFAULT_MAX_VERSION_SIZE = 4096;

    /** Which destination sources the proxy may use. */
    public enum DestinationMode {
        /** SO_ORIGINAL_DST when the connection was redirected, else the VERSION's addr_recv. */
        AUTO,
        /** Only SO_ORIGINAL_DST: direct connections are refused. */
        ORIGINAL_DST,
        /** Only the VERSION's addr_recv (e.g. clients configured to use the proxy directly). */
        ADDR_RECV,
        /** The accepted socket's local address (TPROXY on a router). */
        TPROXY;

        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public SessionSettings {
        networks = List.copyOf(networks);
        if (networks.isEmpty()) {
            throw new IllegalArgumentException("at least one network must be accepted");
        }
        if (maxVersionSize < 1 || maxVersionSize > V1Protocol.MAX_PROTOCOL_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("--max-version-size must be 1.." + V1Protocol.MAX_PROTOCOL_MESSAGE_LENGTH
                    + " bytes, got " + maxVersionSize);
        }
        try {
            userAgentSuffix.ifPresent(VersionMessage::checkUserAgentSuffix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--user-agent-suffix: " + e.getMessage(), e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Named settings with defaults; {@link #build()} checks them. */
    public static final class Builder {
        private List<Network> networks = Network.knownNetworks();
        private DestinationMode destinationMode = DestinationMode.AUTO;
        private V1FallbackPolicy v1Fallback = V1FallbackPolicy.requireV2();
        private Optional<String> userAgentSuffix = Optional.empty();
        private AeadBackend aeadBackend = AeadBackend.preferred();
        private DestinationPolicy destinationPolicy;
        private SecureRandom rng;
        private int maxVersionSize = DEFAULT_MAX_VERSION_SIZE;

        private Builder() {}

        /** Default: every known network. */
        public Builder networks(List<Network> accepted) {
            networks = accepted;
            return this;
        }

        /** Default {@link DestinationMode#AUTO}. */
        public Builder destinationMode(DestinationMode mode) {
            destinationMode = mode;
            return this;
        }

        /**
         * Default: never (the CLI's default, prefer-v2, goes with the known-v2 store it keeps).
         */
        public Builder v1Fallback(V1FallbackPolicy policy) {
            v1Fallback = policy;
            return this;
        }

        /** Default: none. */
        public Builder userAgentSuffix(Optional<String> suffix) {
            userAgentSuffix = suffix;
            return this;
        }

        /** Default {@link AeadBackend#preferred()}. */
        public Builder aeadBackend(AeadBackend backend) {
            aeadBackend = backend;
            return this;
        }

        /** Required: it names the proxy's own endpoints and the allowed destinations. */
        public Builder destinationPolicy(DestinationPolicy policy) {
            destinationPolicy = policy;
            return this;
        }

        /** Default: a new {@link SecureRandom}. */
        public Builder rng(SecureRandom random) {
            rng = random;
            return this;
        }

        /** Default {@value SessionSettings#DEFAULT_MAX_VERSION_SIZE}. */
        public Builder maxVersionSize(int bytes) {
            maxVersionSize = bytes;
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting out of range */
        public SessionSettings build() {
            return new SessionSettings(networks, destinationMode, v1Fallback, userAgentSuffix, aeadBackend,
                    Objects.requireNonNull(destinationPolicy, "destinationPolicy"),
                    rng != null ? rng : new SecureRandom(), maxVersionSize);
        }
    }
}
