package org.bip324proxy.bench;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.v2.PacketCipher;
import org.bip324proxy.v2.SessionKeys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One BIP324 packet (length cipher, AEAD, rekeying included), in place, per AEAD backend and
 * contents size: encrypted and then decrypted by the other side (what one relayed message costs
 * both ends together), and encrypted only (what one side spends per packet it sends; decryption
 * does the same ChaCha20 and Poly1305 work). Throughput in MB/s = ops/s × size / 10^6.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PacketCipherBenchmark {
    private static final byte[] NO_AAD = new byte[0];
    private static final byte[] MAINNET = HexFormat.of().parseHex("f9beb4d9");

    @Param({"64", "1024", "1048576"})
    int size;

    @Param({"JDK", "BOUNCY_CASTLE"})
    AeadBackend backend;

    private PacketCipher sender;
    private PacketCipher receiver;
    private byte[] buf;

    @Setup
    public void setUp() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        sender = new PacketCipher(SessionKeys.derive(secret, MAINNET), true, backend);
        receiver = new PacketCipher(SessionKeys.derive(secret, MAINNET), false, backend);
        buf = new byte[size + PacketCipher.EXPANSION];
    }

    @Benchmark
    public int encryptThenDecrypt() {
        int contentsOff = PacketCipher.LENGTH_LEN + PacketCipher.HEADER_LEN;
        sender.encryptInPlace(buf, contentsOff, size, NO_AAD, false);
        int len = receiver.decryptLength(buf, 0);
        int header = receiver.decryptInPlace(buf, PacketCipher.LENGTH_LEN, len, NO_AAD);
        if (header < 0) {
            throw new IllegalStateException("authentication failed");
        }
        return header;
    }

    @Benchmark
    public byte encryptOnly() {
        sender.encryptInPlace(buf, PacketCipher.LENGTH_LEN + PacketCipher.HEADER_LEN, size, NO_AAD, false);
        return buf[0];
    }
}
