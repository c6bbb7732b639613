package org.bip324proxy.v2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Collects the peer's 64-byte ElligatorSwift key (BIP324, "Handshake"). A responder first matches
 * the bytes against the 16-byte v1 prefix (magic ‖ "version" ‖ 5 NULs) of its network, as Bitcoin
 * Core's V2Transport::ProcessReceivedMaybeV1Bytes does, and refuses a key that is a v1 VERSION
 * header of another network.
 */
final class PeerKeyReader {
    private static final byte[] V1_VERSION_COMMAND = "version\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII);

    /** What the bytes matched so far say about a responder's peer. */
    enum Prefix { UNDECIDED, V2, V1 }

    private final byte[] magic;
    private final byte[] v1Prefix = new byte[V2Transport.V1_PREFIX_LEN];
    private final byte[] key = new byte[V2Transport.KEY_LEN];
    private int keyLen;

    PeerKeyReader(byte[] magic) {
        this.magic = magic.clone();
        System.arraycopy(magic, 0, v1Prefix, 0, 4);
        System.arraycopy(V1_VERSION_COMMAND, 0, v1Prefix, 4, V1_VERSION_COMMAND.length);
    }

    /** Responder: consumes bytes while they match the v1 prefix, keeping them as key bytes. */
    Prefix matchV1Prefix(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            key[keyLen] = b;
            if (b != v1Prefix[keyLen++]) {
                return Prefix.V2;
            }
            if (keyLen == V2Transport.V1_PREFIX_LEN) {
                return Prefix.V1;
            }
        }
        return Prefix.UNDECIDED;
    }

    /**
     * Consumes key bytes; true once all 64 arrived.
     *
     * @throws V2ProtocolException for a responder whose peer sent another network's v1 VERSION
     */
    boolean readKey(ByteBuffer in, boolean responder) throws V2ProtocolException {
        int n = Math.min(V2Transport.KEY_LEN - keyLen, in.remaining());
        in.get(key, keyLen, n);
        keyLen += n;
        if (keyLen < V2Transport.KEY_LEN) {
            return false;
        }
        if (responder && Arrays.equals(key, 4, V2Transport.V1_PREFIX_LEN, V1_VERSION_COMMAND, 0, V1_VERSION_COMMAND.length)) {
            throw new V2ProtocolException(V2ProtocolException.Reason.WRONG_NETWORK,
                    "peer sent a v1 VERSION header with network magic " + HexFormat.of().formatHex(key, 0, 4)
                            + ", expected " + HexFormat.of().formatHex(magic, 0, 4));
        }
        return true;
    }

    /** The peer's complete key (the array itself: read-only for the caller). */
    byte[] key() {
        return key;
    }

    /** The 16 bytes matched as a v1 prefix; they belong to the v1 peer's first message. */
    byte[] v1Prefix() {
        return Arrays.copyOf(key, V2Transport.V1_PREFIX_LEN);
    }
}
