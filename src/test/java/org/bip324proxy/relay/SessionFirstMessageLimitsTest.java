package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.bip324proxy.testsupport.SessionDriver;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a client can make {@link ProxySession} hold before any peer is involved: the VERSION's
 * announced length is checked against --max-version-size from its header, and a VERSION dripped
 * byte by byte is held once, not re-read. The CPU measurement of the drip stays in
 * {@code engine.FirstMessageAttackTest}.
 */
@Tag("fast")
class SessionFirstMessageLimitsTest {
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8333);

    private static byte[] versionHeader(int length) {
        return V1TestClient.versionHeader(Network.MAINNET, length);
    }

    @Test
    void aVersionAnnouncingMoreThanTheLimitIsRefusedAtItsHeader() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).build();
        d.clientSends(versionHeader(4_000_000));
        assertEquals(new CloseCause.VersionTooLarge(4_000_000, SessionSettings.DEFAULT_MAX_VERSION_SIZE), d.closeCause());
    }

    @Test
    void aVersionAtTheLimitIsWaitedFor() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).maxVersionSize(100).build();
        d.clientSends(versionHeader(100));
        assertFalse(d.closed());
        assertEquals(Phase.FIRST_MESSAGE, d.phase());
    }

    @Test
    void aDrippedVersionIsHeldOnceWhateverTheChunking() {
        int length = 200_000;
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).maxVersionSize(length).maxChunk(1).build();
        d.clientSends(versionHeader(length));
        long heldAfterHeader = d.session().bufferedBytes();
        d.clientSends(new byte[5_000]);
        long held = d.session().bufferedBytes();
        assertTrue(held <= heldAfterHeader + length + 4096, "held " + held + " bytes for a " + length + "-byte VERSION");
        assertEquals(24 + 5_000, d.session().stats().snapshot().v1BytesIn());
        assertEquals(Phase.FIRST_MESSAGE, d.phase());
    }

    @Test
    void theSnifferWaitsForSixteenBytesBeforeDeciding() {
        SessionDriver d = SessionDriver.builder().redirectedTo(PEER).maxChunk(1).build();
        byte[] header = versionHeader(100);
        d.clientSends(java.util.Arrays.copyOf(header, 15));
        assertTrue(d.connects().isEmpty());
        assertEquals(Phase.FIRST_MESSAGE, d.phase());
    }
}
