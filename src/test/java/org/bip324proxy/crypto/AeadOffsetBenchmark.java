package org.bip324proxy.crypto;

import java.util.concurrent.TimeUnit;
import org.bip324proxy.bytes.Endian;
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
 * In-place seal + open of one 1 MB AEAD message with the data at array offset 0 or 3 (where a
 * packet's header byte sits after the 3-byte length), to check whether the JDK cipher's intrinsic
 * path slows down at an odd offset (docs/performance.md: it does not, so no copying is done).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(1)
public class AeadOffsetBenchmark {
    private static final byte[] NO_AAD = new byte[0];

    @Param({"1048576"})
    int size;

    @Param({"0", "3"})
    int offset;

    @Param({"JDK", "BOUNCY_CASTLE"})
    AeadBackend backend;

    /** Separate instances: the JDK cipher refuses to reuse a key and nonce on one instance. */
    private Aead sealer;
    private Aead opener;
    private final byte[] nonce = new byte[Aead.NONCE_LEN];
    private long counter;
    private byte[] buf;

    @Setup
    public void setUp() {
        sealer = backend.create();
        sealer.setKey(new byte[Aead.KEY_LEN]);
        opener = backend.create();
        opener.setKey(new byte[Aead.KEY_LEN]);
        buf = new byte[offset + size + Aead.TAG_LEN];
    }

    @Benchmark
    public boolean sealThenOpenInPlace() {
        Endian.putLe64(nonce, 4, ++counter);
        sealer.seal(nonce, NO_AAD, buf, offset, size, buf, offset);
        return opener.open(nonce, NO_AAD, buf, offset, size + Aead.TAG_LEN, buf, offset);
    }
}
