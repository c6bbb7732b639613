package org.bip324proxy.v2;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Finds the peer's garbage terminator in the bytes after its key (BIP324, "Handshake": the
 * responder/initiator garbage is 0..4095 bytes followed by the 16-byte terminator). Holds at most
 * {@value V2Transport#MAX_GARBAGE_LEN} + {@value SessionKeys#GARBAGE_TERMINATOR_LEN} bytes.
 */
final class GarbageScanner {
    private final byte[] terminator;
    private byte[] seen = new byte[V2Transport.MAX_GARBAGE_LEN + SessionKeys.GARBAGE_TERMINATOR_LEN];
    private int seenLen;

    GarbageScanner(byte[] terminator) {
        this.terminator = terminator.clone();
    }

    /**
     * Consumes bytes up to and including the terminator. Returns the garbage before it (the first
     * packet's AAD) once found, or null when {@code in} ran out first.
     *
     * @throws V2ProtocolException if no terminator follows within the limit
     */
    byte[] scan(ByteBuffer in) throws V2ProtocolException {
        int termLen = terminator.length;
        while (in.hasRemaining()) {
            seen[seenLen++] = in.get();
            if (seenLen >= termLen && Arrays.equals(seen, seenLen - termLen, seenLen, terminator, 0, termLen)) {
                byte[] garbage = Arrays.copyOf(seen, seenLen - termLen);
                seen = null;
                return garbage;
            }
            if (seenLen == seen.length) {
                throw new V2ProtocolException(V2ProtocolException.Reason.GARBAGE_TERMINATOR_NOT_FOUND,
                        "no garbage terminator within " + seen.length
                                + " bytes: the peer does not speak BIP324, or uses another network");
            }
        }
        return null;
    }

    /** Bytes of the scan buffer still held (for memory accounting). */
    int bufferedBytes() {
        return seen == null ? 0 : seen.length;
    }
}
