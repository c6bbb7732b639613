package org.bip324proxy.testsupport;

import java.util.Arrays;
import java.util.List;
import org.bip324proxy.os.HostAddresses;
import org.bip324proxy.relay.AllowedDestination;
import org.bip324proxy.relay.DestinationPolicy;
import org.bip324proxy.relay.OwnEndpoints;
import org.bip324proxy.v1.Network;

/** Destination policies for tests, whose peers listen on loopback ports named in addr_recv. */
public final class Policies {
    /** What tests' loopback peers need: {@code --allow-destination 127.0.0.0/8 --allow-destination ::1}. */
    public static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1");

    private Policies() {}

    /** The default policy plus these {@code --allow-destination} entries. */
    public static DestinationPolicy allowing(List<Network> networks, List<String> allowed) {
        return new DestinationPolicy(networks, allowed.stream().map(AllowedDestination::parse).toList(),
                new OwnEndpoints(HostAddresses::isHostAddress));
    }

    /** The default policy plus these entries, for every known network. */
    public static DestinationPolicy allowing(String... allowed) {
        return allowing(Network.knownNetworks(), Arrays.asList(allowed));
    }

    /** The default policy plus {@link #LOOPBACK}, for every known network. */
    public static DestinationPolicy loopbackPeers() {
        return allowing(Network.knownNetworks(), LOOPBACK);
    }
}
