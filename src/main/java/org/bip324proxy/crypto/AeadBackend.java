package org.bip324proxy.crypto;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * The ChaCha20-Poly1305 implementations bip324-proxy can run on. Both pass every BIP324 vector;
 * they differ only in speed, which depends on the running JDK (see docs/performance.md).
 */
public enum AeadBackend {
    /** The JDK's {@code ChaCha20-Poly1305}: intrinsified on JDK 20+ and then ~10x faster. */
    JDK(JdkAead::new),
    /** Bouncy Castle's pure-Java implementation: faster than the JDK's on JDK 17-19. */
    BOUNCY_CASTLE(BouncyCastleAead::new);

    /** System property that forces a backend ({@code jdk} or {@code bouncy-castle}). */
    public static final String PROPERTY = "bip324.aead";
    /** First JDK feature release whose ChaCha20-Poly1305 runs on vector intrinsics. */
    static final int FIRST_INTRINSIC_JDK = 20;

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
     * The backend to use: the {@value #PROPERTY} system property if set, else the fastest one
     * for the running JDK (measured: JDK's own from feature release 20 on, Bouncy Castle before).
     */
    public static AeadBackend preferred() {
        String forced = System.getProperty(PROPERTY);
        if (forced != null && !forced.isBlank()) {
            return parse(forced);
        }
        return Runtime.version().feature() >= FIRST_INTRINSIC_JDK ? JDK : BOUNCY_CASTLE;
    }
}
