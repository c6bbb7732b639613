package org.bip324proxy.v1;

import org.bip324proxy.v1.V1ProtocolException.Reason;

/**
 * Where the fields of a VERSION payload are, found the way Bitcoin Core's {@code ProcessMessage}
 * reads them (see {@link VersionMessage} for the layout): the mandatory 46 bytes, then each
 * optional group only if bytes remain. Validating the structure here leaves {@link VersionMessage}
 * to read fields at known offsets.
 *
 * @param userAgentFieldOffset start of the user agent's CompactSize, or -1 if the payload ends before it
 * @param userAgentOffset start of the user agent bytes (0 when absent)
 * @param userAgentLength length of the user agent bytes (0 when absent)
 */
record VersionLayout(int userAgentFieldOffset, int userAgentOffset, int userAgentLength, boolean hasAddrFrom,
        boolean hasStartHeight, boolean hasRelay) {
    static final int ADDR_SIZE = 26;
    static final int ADDR_RECV_OFFSET = 20;
    static final int ADDR_FROM_OFFSET = ADDR_RECV_OFFSET + ADDR_SIZE;
    static final int NONCE_OFFSET = ADDR_FROM_OFFSET + ADDR_SIZE;
    static final int USER_AGENT_OFFSET = NONCE_OFFSET + 8;

    /**
     * @throws V1ProtocolException TRUNCATED_PAYLOAD, BAD_COMPACT_SIZE or USER_AGENT_TOO_LONG, where
     *     Core would fail deserialization
     */
    static VersionLayout of(byte[] payload) throws V1ProtocolException {
        int len = payload.length;
        if (len < VersionMessage.MIN_LENGTH) {
            throw truncated("VERSION payload is " + len + " bytes; at least " + VersionMessage.MIN_LENGTH
                    + " are required (version, services, time, addr_recv)");
        }
        int pos = VersionMessage.MIN_LENGTH;
        boolean hasAddrFrom = pos < len;
        if (hasAddrFrom) {
            if (len - pos < ADDR_SIZE + 8) {
                throw truncated("VERSION payload has " + (len - pos) + " bytes after addr_recv; addr_from and nonce need "
                        + (ADDR_SIZE + 8));
            }
            pos = USER_AGENT_OFFSET;
        }
        int fieldOffset = -1;
        int uaOffset = 0;
        int uaLength = 0;
        if (pos < len) {
            uaLength = CompactSize.read(payload, pos, len);
            if (uaLength > V1Protocol.MAX_SUBVERSION_LENGTH) {
                throw new V1ProtocolException(Reason.USER_AGENT_TOO_LONG, "VERSION user agent is " + uaLength
                        + " bytes; the limit is " + V1Protocol.MAX_SUBVERSION_LENGTH + " (MAX_SUBVERSION_LENGTH)");
            }
            int start = pos + CompactSize.encodedSize(uaLength);
            if (len - start < uaLength) {
                throw truncated("VERSION user agent announces " + uaLength + " bytes, only " + (len - start) + " remain");
            }
            fieldOffset = pos;
            uaOffset = start;
            pos = start + uaLength;
        }
        boolean hasStartHeight = pos < len;
        if (hasStartHeight) {
            if (len - pos < 4) {
                throw truncated("VERSION start_height needs 4 bytes, only " + (len - pos) + " remain");
            }
            pos += 4;
        }
        return new VersionLayout(fieldOffset, uaOffset, uaLength, hasAddrFrom, hasStartHeight, pos < len);
    }

    /** Offset just past the user agent bytes: where start_height begins, if present. */
    int userAgentEnd() {
        return userAgentOffset + userAgentLength;
    }

    private static V1ProtocolException truncated(String detail) {
        return new V1ProtocolException(Reason.TRUNCATED_PAYLOAD, detail);
    }
}
