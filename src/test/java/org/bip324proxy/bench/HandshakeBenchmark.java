package org.bip324proxy.bench;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.bip324proxy.crypto.EllSwiftKeyPair;
import org.bip324proxy.v2.SessionKeys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CPU cost of one side of a BIP324 handshake (BIP324, "Handshake: key exchange"), split into its
 * steps: a fresh key with a uniformly random ElligatorSwift encoding, the x-only ECDH with the
 * tagged hash {@code bip324_ellswift_xonly_ecdh}, and the HKDF key schedule; plus all three
 * together. The peer's encoding is fixed per trial (decoding it is part of the ECDH step).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HandshakeBenchmark {
    private static final byte[] MAINNET = HexFormat.of().parseHex("f9beb4d9");

    private final SecureRandom rng = new SecureRandom();
    private EllSwiftKeyPair ours;
    private byte[] peerEncoding;
    private byte[] ecdhSecret;

    @Setup
    public void setUp() {
        ours = EllSwiftKeyPair.generate(rng);
        EllSwiftKeyPair peer = EllSwiftKeyPair.generate(rng);
        peerEncoding = peer.encoding();
        ecdhSecret = ours.v2EcdhSecret(peerEncoding, true);
        peer.destroy();
    }

    @TearDown
    public void tearDown() {
        ours.destroy();
    }

    /** Private key from SecureRandom, public key, and a random ElligatorSwift encoding of it. */
    @Benchmark
    public byte[] keyGenerationAndEncoding() {
        EllSwiftKeyPair key = EllSwiftKeyPair.generate(rng);
        byte[] encoding = key.encoding();
        key.destroy();
        return encoding;
    }

    /** Decode the peer's encoding, multiply by our key, tagged-hash both encodings and X. */
    @Benchmark
    public byte[] ecdhWithTaggedHash() {
        return ours.v2EcdhSecret(peerEncoding, true);
    }

    /** HKDF-SHA256 extract and the six expands (four keys, terminators, session id). */
    @Benchmark
    public SessionKeys hkdfKeySchedule() {
        return SessionKeys.derive(ecdhSecret, MAINNET);
    }

    /** Everything one side computes: new key + encoding, ECDH, key schedule. */
    @Benchmark
    public SessionKeys wholeSide() {
        EllSwiftKeyPair key = EllSwiftKeyPair.generate(rng);
        byte[] secret = key.v2EcdhSecret(peerEncoding, true);
        key.destroy();
        return SessionKeys.derive(secret, MAINNET);
    }
}
