package org.bip324proxy.crypto;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * The ChaCha20-Poly1305 implementations bip324-proxy can run on. Both pass every BIP324 vector;
 * they differ only in speed, which depends on the running JDK (see docs/performance.md).
 */
public enum AeadBackend {
    /** The JDK's {@code ChaCha20-Poly1305}: the faster one on every JDK measured (17 and 25). */
    JDK(JdkAead::new),
    /** Bouncy Castle's pure-Java implementation: the fallback for a JDK without the cipher. */
    BOUNCY_CASTLE(BouncyCastleAead::new);

    private final Supplier<Aead> factory;

    AeadBackend(Supplier<Aead> factory) {
        this.factory = factory;
    }

    public Aead create() {
        return factory.get();
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code jdk} or {@code bouncy-castle} (case-insensitive). */
    public static AeadBackend parse(String text) {
        for (AeadBackend b : values()) {
            if (b.cliName().equalsIgnoreCase(text.trim())) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown AEAD backend '" + text + "': use jdk or bouncy-castle");
    }

    /**
     * The backend for {@code --aead auto}: the JDK's own cipher (measured faster than Bouncy Castle
     * on JDK 17 and 25 at 64 B, 1 KB and 1 MB packets, see docs/performance.md), or Bouncy Castle
     * if this JDK lacks {@code ChaCha20-Poly1305}. Another backend is chosen by {@code --aead}.
     */
    public static AeadBackend preferred() {
        return JdkAead.isAvailable() ? JDK : BOUNCY_CASTLE;
    }
}
