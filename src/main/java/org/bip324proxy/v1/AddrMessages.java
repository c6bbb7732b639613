package org.bip324proxy.v1;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the IP addresses that an {@code addr} or {@code addrv2} (BIP155) payload announces with
 * service bit 11, NODE_P2P_V2 (BIP324 "Signaling"). Entries of other networks (Tor, I2P, CJDNS)
 * are skipped; a malformed payload yields what was read before the fault.
 */
public final class AddrMessages {
    /** BIP324: NODE_P2P_V2 = (1 << 11). */
    public static final long NODE_P2P_V2 = 1L << 11;
    /** Core: MAX_ADDR_TO_SEND; more entries make the message invalid. */
    private static final int MAX_ENTRIES = 1000;
    private static final byte[] IPV4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private AddrMessages() {
    }

    /** True for the commands this class reads. */
    public static boolean isAddr(String command) {
        return command.equals("addr") || command.equals("addrv2");
    }

    /** The announced addresses with NODE_P2P_V2, from the payload between position and limit. */
    public static List<InetSocketAddress> v2Capable(String command, ByteBuffer payload) {
        ByteBuffer b = payload.slice().order(ByteOrder.LITTLE_ENDIAN);
        List<InetSocketAddress> out = new ArrayList<>();
        try {
            long count = compactSize(b);
            if (count > MAX_ENTRIES) {
                return out;
            }
            for (long i = 0; i < count; i++) {
                b.getInt(); // time
                InetSocketAddress a = command.equals("addrv2") ? entryV2(b) : entryV1(b);
                if (a != null) {
                    out.add(a);
                }
            }
        } catch (BufferUnderflowException | IllegalArgumentException | UnknownHostException e) {
            // truncated or malformed: keep what was read
        }
        return out;
    }

    /** addr: services (LE64), 16-byte IPv6 or IPv4-mapped address, port (BE16). */
    private static InetSocketAddress entryV1(ByteBuffer b) throws UnknownHostException {
        long services = b.getLong();
        byte[] ip = new byte[16];
        b.get(ip);
        int port = Short.toUnsignedInt(b.order(ByteOrder.BIG_ENDIAN).getShort());
        b.order(ByteOrder.LITTLE_ENDIAN);
        if ((services & NODE_P2P_V2) == 0) {
            return null;
        }
        byte[] addr = Arrays.equals(ip, 0, 12, IPV4_MAPPED_PREFIX, 0, 12) ? Arrays.copyOfRange(ip, 12, 16) : ip;
        return new InetSocketAddress(InetAddress.getByAddress(addr), port);
    }

    /** addrv2 (BIP155): services (CompactSize), network id, address length and bytes, port (BE16). */
    private static InetSocketAddress entryV2(ByteBuffer b) throws UnknownHostException {
        long services = compactSize(b);
        int network = Byte.toUnsignedInt(b.get());
        long len = compactSize(b);
        if (len < 0 || len > 512) { // BIP155: MAX_ADDRV2_SIZE
            throw new IllegalArgumentException("addrv2 address too long");
        }
        byte[] addr = new byte[(int) len];
        b.get(addr);
        int port = Short.toUnsignedInt(b.order(ByteOrder.BIG_ENDIAN).getShort());
        b.order(ByteOrder.LITTLE_ENDIAN);
        boolean ip = (network == 1 && len == 4) || (network == 2 && len == 16); // BIP155: IPV4, IPV6
        if ((services & NODE_P2P_V2) == 0 || !ip) {
            return null;
        }
        return new InetSocketAddress(InetAddress.getByAddress(addr), port);
    }

    /** A CompactSize of any value up to 2^64 - 1 (services need not fit MAX_SIZE). */
    private static long compactSize(ByteBuffer b) {
        int first = Byte.toUnsignedInt(b.get());
        return switch (first) {
            case 0xfd -> Short.toUnsignedInt(b.getShort());
            case 0xfe -> Integer.toUnsignedLong(b.getInt());
            case 0xff -> b.getLong();
            default -> first;
        };
    }
}
