package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.v1.CompactSize;
import org.bip324proxy.v1.V1Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** NODE_P2P_V2 goes into the node's VERSION and its own addr/addrv2 entry, and nowhere else. */
@Tag("fast")
class AdvertiseV2Test {
    private static final int HEADROOM = V1ToV2.HEADROOM;
    private static final int TAILROOM = V1ToV2.TAILROOM;

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private static V1Message message(String command, byte[] payload) {
        byte[] a = new byte[HEADROOM + payload.length + TAILROOM];
        System.arraycopy(payload, 0, a, HEADROOM, payload.length);
        return new V1Message(command, a, HEADROOM, payload.length);
    }

    private static byte[] payload(V1Message m) {
        return Arrays.copyOfRange(m.array(), m.offset(), m.offset() + m.length());
    }

    private static byte[] addrEntry(long services, byte[] ip16, int port) {
        ByteBuffer b = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1_700_000_000).putLong(services).put(ip16);
        b.put((byte) (port >>> 8)).put((byte) port);
        return b.array();
    }

    private static byte[] addrv2Entry(long services, int network, byte[] addr, int port) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, (byte) 0xf1, 0x53, 0x65});
        byte[] cs = new byte[9];
        out.write(cs, 0, CompactSize.write(services, cs, 0));
        out.write(network);
        out.write(addr.length);
        out.writeBytes(addr);
        out.write(port >>> 8);
        out.write(port & 0xff);
        return out.toByteArray();
    }

    private static byte[] list(byte[]... entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(entries.length);
        for (byte[] e : entries) {
            out.writeBytes(e);
        }
        return out.toByteArray();
    }

    private static byte[] mapped(String v4) throws Exception {
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(ip(v4).getAddress(), 0, out, 12, 4);
        return out;
    }

    @Test
    void versionServicesGetBit11AndNothingElseChanges() throws Exception {
        byte[] version = V1TestClient.versionPayload(new InetSocketAddress(ip("198.51.100.9"), 8333), "/node:0.21.0/");
        V1Message m = message("version", version.clone());
        assertSame(m, new AdvertiseV2(ip("203.0.113.5")).rewrite(m));
        byte[] expected = version.clone();
        expected[5] |= 0x08;
        assertArrayEquals(expected, payload(m));
    }

    @Test
    void addrGetsTheBitOnlyInTheNodesOwnEntry() throws Exception {
        byte[] self = addrEntry(0x409, mapped("203.0.113.5"), 8333);
        byte[] other = addrEntry(0x409, mapped("198.51.100.9"), 8333);
        V1Message m = message("addr", list(other, self));
        new AdvertiseV2(ip("203.0.113.5")).rewrite(m);
        assertArrayEquals(list(other, addrEntry(0xc09, mapped("203.0.113.5"), 8333)), payload(m));
    }

    @Test
    void addrv2OfAnIpv6NodeIsRewrittenInPlaceWhenTheServicesKeepTheirSize() throws Exception {
        byte[] self6 = ip("2001:db8::5").getAddress();
        byte[] other = addrv2Entry(0x409, 1, ip("198.51.100.9").getAddress(), 8333);
        V1Message m = message("addrv2", list(other, addrv2Entry(0x409, 2, self6, 8333)));
        new AdvertiseV2(ip("2001:db8::5")).rewrite(m);
        assertArrayEquals(list(other, addrv2Entry(0xc09, 2, self6, 8333)), payload(m));
    }

    @Test
    void addrv2ServicesThatOutgrowTheirCompactSizeFormAreReencoded() throws Exception {
        byte[] self = ip("203.0.113.5").getAddress();
        byte[] other = addrv2Entry(9, 1, ip("198.51.100.9").getAddress(), 8333);
        V1Message m = message("addrv2", list(addrv2Entry(9, 1, self, 8333), other));
        V1Message out = new AdvertiseV2(ip("203.0.113.5")).rewrite(m);
        assertArrayEquals(list(addrv2Entry(0x809, 1, self, 8333), other), payload(out));
        assertEquals(HEADROOM, out.headroom());
        assertEquals(TAILROOM, out.tailroom());
    }

    @Test
    void messagesWithoutTheNodesAddressOrUnparseableOnesStayByteExact() throws Exception {
        AdvertiseV2 advertise = new AdvertiseV2(ip("203.0.113.5"));
        byte[] others = list(addrEntry(0x409, mapped("198.51.100.9"), 8333));
        byte[] truncated = Arrays.copyOf(list(addrv2Entry(9, 1, ip("203.0.113.5").getAddress(), 8333)), 8);
        byte[] tx = {1, 2, 3};
        for (V1Message m : new V1Message[] {message("addr", others), message("addrv2", truncated), message("tx", tx),
                message("version", new byte[6])}) {
            byte[] before = payload(m);
            assertArrayEquals(before, payload(advertise.rewrite(m)), m.command());
        }
    }
}
