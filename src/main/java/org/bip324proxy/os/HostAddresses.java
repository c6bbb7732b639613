package org.bip324proxy.os;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;

/** Which addresses belong to this host (asks the kernel for its interfaces). */
public final class HostAddresses {
    private HostAddresses() {}

    /** Whether {@code address} is loopback, unspecified, or assigned to one of this host's interfaces. */
    public static boolean isHostAddress(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
