package org.bip324proxy.relay;

import java.net.InetAddress;
import java.util.Arrays;
import org.bip324proxy.v1.CompactSize;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v1.V1ProtocolException;

/**
 * Makes a v1-only node announce NODE_P2P_V2 (service bit 11, BIP324 "Signaling v2 support") on
 * the v2 sessions the proxy answers for it: in the services of its VERSION, and in the entry of
 * its addr / addrv2 messages that announces its own address (the one the peer reached it at).
 * Bitcoin Core dials v2 only to addresses whose services carry the bit. Everything else stays
 * byte-exact; a message this class cannot parse is left as it is.
 */
public final class AdvertiseV2 {
    /** NODE_P2P_V2 (BIP324). */
    public static final long NODE_P2P_V2 = 1L << 11;

    private static final int VERSION_SERVICES_OFFSET = 4;
    /** addr entry: uint32 time, uint64 services, 16-byte IPv6 (IPv4-mapped), uint16 port. */
    private static final int ADDR_ENTRY_LEN = 4 + 8 + 16 + 2;
    /** BIP155 network ids with a fixed address length. */
    private static final int BIP155_IPV4 = 1;
    private static final int BIP155_IPV6 = 2;

    private final byte[] self16;
    private final byte[] selfRaw;

    /** @param self the node's address as the peer reached it (the accepted socket's local address) */
    public AdvertiseV2(InetAddress self) {
        this.selfRaw = self.getAddress();
        this.self16 = selfRaw.length == 16 ? selfRaw : mapped(selfRaw);
    }

    /**
     * Returns {@code m} with the bit set where it belongs: VERSION services, and the node's own
     * entry in addr / addrv2; other messages are returned unchanged. The result has the same
     * headroom and tailroom as {@code m}.
     */
    public V1Message rewrite(V1Message m) {
        try {
            return switch (m.command()) {
                case "version" -> version(m);
                case "addr" -> addr(m);
                case "addrv2" -> addrv2(m);
                default -> m;
            };
        } catch (V1ProtocolException | IndexOutOfBoundsException e) {
            return m; // not parseable: the node's bytes go on untouched
        }
    }

    private static V1Message version(V1Message m) {
        if (m.length() >= VERSION_SERVICES_OFFSET + 8) {
            setBitLe64(m.array(), m.offset() + VERSION_SERVICES_OFFSET);
        }
        return m;
    }

    private V1Message addr(V1Message m) throws V1ProtocolException {
        byte[] a = m.array();
        int end = m.offset() + m.length();
        int count = CompactSize.read(a, m.offset(), end);
        int p = m.offset() + CompactSize.encodedSize(count);
        if (end - p != (long) count * ADDR_ENTRY_LEN) {
            return m;
        }
        for (int i = 0; i < count; i++, p += ADDR_ENTRY_LEN) {
            if (Arrays.equals(a, p + 12, p + 28, self16, 0, 16)) {
                setBitLe64(a, p + 4);
            }
        }
        return m;
    }

    /** BIP155 entries: uint32 time, CompactSize services, network id, CompactSize length, address, uint16 port. */
    private V1Message addrv2(V1Message m) throws V1ProtocolException {
        byte[] a = m.array();
        int end = m.offset() + m.length();
        int count = CompactSize.read(a, m.offset(), end);
        int p = m.offset() + CompactSize.encodedSize(count);
        int selfServicesAt = -1;
        long selfServices = 0;
        for (int i = 0; i < count; i++) {
            int servicesAt = p + 4;
            long services = CompactSize.read(a, servicesAt, end);
            int q = servicesAt + CompactSize.encodedSize(services);
            int network = a[q] & 0xff;
            int len = CompactSize.read(a, q + 1, end);
            int addrAt = q + 1 + CompactSize.encodedSize(len);
            if (addrAt + len + 2 > end) {
                return m;
            }
            if (selfServicesAt < 0 && isSelf(network, a, addrAt, len)) {
                selfServicesAt = servicesAt;
                selfServices = services;
            }
            p = addrAt + len + 2;
        }
        if (p != end || selfServicesAt < 0 || (selfServices & NODE_P2P_V2) != 0) {
            return m;
        }
        long newServices = selfServices | NODE_P2P_V2;
        int oldSize = CompactSize.encodedSize(selfServices);
        int newSize = CompactSize.encodedSize(newServices);
        if (oldSize == newSize) {
            CompactSize.write(newServices, a, selfServicesAt);
            return m;
        }
        // The services grew out of their CompactSize form: rebuild the payload one byte group longer.
        int grow = newSize - oldSize;
        byte[] out = new byte[m.headroom() + m.length() + grow + m.tailroom()];
        int before = selfServicesAt - m.offset();
        System.arraycopy(a, m.offset(), out, m.headroom(), before);
        CompactSize.write(newServices, out, m.headroom() + before);
        int after = selfServicesAt + oldSize;
        System.arraycopy(a, after, out, m.headroom() + before + newSize, end - after);
        return new V1Message(m.command(), out, m.headroom(), m.length() + grow);
    }

    private boolean isSelf(int network, byte[] a, int at, int len) {
        if (network == BIP155_IPV4 && len == 4 && selfRaw.length == 4) {
            return Arrays.equals(a, at, at + 4, selfRaw, 0, 4);
        }
        return network == BIP155_IPV6 && len == 16 && Arrays.equals(a, at, at + 16, self16, 0, 16);
    }

    private static void setBitLe64(byte[] a, int at) {
        a[at + 1] |= (byte) (NODE_P2P_V2 >>> 8);
    }

    private static byte[] mapped(byte[] v4) {
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(v4, 0, out, 12, 4);
        return out;
    }
}
