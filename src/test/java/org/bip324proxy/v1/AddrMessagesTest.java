package org.bip324proxy.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class AddrMessagesTest {
    private static final long NETWORK_AND_V2 = 1 | AddrMessages.NODE_P2P_V2;

    @Test
    void addrEntriesWithBit11AreFound() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(2);
        addrEntry(b, NETWORK_AND_V2, "::ffff:192.0.2.1", 8333);
        addrEntry(b, 1, "192.0.2.2", 8333);
        assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 8333)),
                AddrMessages.v2Capable("addr", ByteBuffer.wrap(b.toByteArray())));
    }

    @Test
    void addrv2EntriesOfIpNetworksWithBit11AreFound() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(3);
        addrv2Entry(b, NETWORK_AND_V2, 2, InetAddress.getByName("2001:db8::1").getAddress(), 18444);
        addrv2Entry(b, NETWORK_AND_V2, 4, new byte[32], 8333); // TorV3: skipped
        addrv2Entry(b, NETWORK_AND_V2, 1, new byte[] {(byte) 198, 51, 100, 7}, 8333);
        assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 18444),
                        new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 8333)),
                AddrMessages.v2Capable("addrv2", ByteBuffer.wrap(b.toByteArray())));
    }

    @Test
    void aTruncatedPayloadYieldsTheEntriesBeforeTheCut() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(2);
        addrEntry(b, NETWORK_AND_V2, "192.0.2.1", 8333);
        addrEntry(b, NETWORK_AND_V2, "192.0.2.2", 8333);
        byte[] whole = b.toByteArray();
        assertEquals(1, AddrMessages.v2Capable("addr", ByteBuffer.wrap(whole, 0, whole.length - 5)).size());
        assertEquals(0, AddrMessages.v2Capable("addrv2", ByteBuffer.wrap(new byte[] {(byte) 0xff, -1, -1, -1, -1, -1, -1, -1, -1}))
                .size());
    }

    private static void addrEntry(ByteArrayOutputStream b, long services, String ip, int port) throws Exception {
        ByteBuffer e = ByteBuffer.allocate(30).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        e.putInt(1_700_000_000).putLong(services);
        byte[] a = InetAddress.getByName(ip).getAddress();
        if (a.length == 4) {
            e.put(new byte[10]).put((byte) 0xff).put((byte) 0xff);
        }
        e.put(a).order(java.nio.ByteOrder.BIG_ENDIAN).putShort((short) port);
        b.write(e.array());
    }

    private static void addrv2Entry(ByteArrayOutputStream b, long services, int network, byte[] addr, int port) {
        ByteBuffer e = ByteBuffer.allocate(4 + 3 + 1 + 1 + addr.length + 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        e.putInt(1_700_000_000).put((byte) 0xfd).putShort((short) services).put((byte) network).put((byte) addr.length)
                .put(addr).order(java.nio.ByteOrder.BIG_ENDIAN).putShort((short) port);
        b.write(e.array(), 0, e.position());
    }
}
