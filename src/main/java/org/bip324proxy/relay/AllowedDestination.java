package org.bip324proxy.relay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One operator exception to the {@link DestinationPolicy}: an address range (CIDR) and optionally
 * the ports allowed in it, written {@code CIDR[:PORTS]} on the command line. Immutable.
 *
 * <p>Forms: {@code 127.0.0.1} (one address, every port), {@code 10.0.0.0/8:8333},
 * {@code 192.168.1.0/24:18444-18445,38333}, {@code fd00::/8} (IPv6 without ports),
 * {@code [fd00::/8]:8333} and {@code [::1]:18444} (IPv6 with ports). IPv4-mapped IPv6 ranges are
 * read as the IPv4 range they map.
 */
public final class AllowedDestination {
    /** The accepted forms, quoted in every parse error. */
    public static final String FORMS = "CIDR[:PORTS], e.g. 127.0.0.1, 10.0.0.0/8:8333, 192.168.1.0/24:18444-18445,38333,"
            + " fd00::/8 or [fd00::/8]:8333 (IPv6 in brackets when ports follow); no ports means every port";

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final String text;
    private final byte[] network;
    private final int prefix;
    /** Inclusive ranges {@code [low, high]}; empty means every port. */
    private final List<int[]> ports;

    private AllowedDestination(String text, byte[] network, int prefix, List<int[]> ports) {
        this.text = text;
        this.network = network;
        this.prefix = prefix;
        this.ports = ports;
    }

    /**
     * Parses {@code CIDR[:PORTS]}; see {@link #FORMS}. Only address literals (no host names).
     *
     * @throws IllegalArgumentException with a one-line message naming the problem and the forms
     */
    public static AllowedDestination parse(String value) {
        String s = value == null ? "" : value.trim();
        String cidr;
        String portList = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw bad(value, "missing ']'");
            }
            cidr = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw bad(value, "expected ':PORTS' after ']'");
                }
                portList = rest.substring(1);
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':') && s.indexOf('.') >= 0) {
            cidr = s.substring(0, s.indexOf(':')); // IPv4 with ports (an IPv6 literal has two colons at least)
            portList = s.substring(s.indexOf(':') + 1);
        } else {
            cidr = s;
        }
        int slash = cidr.indexOf('/');
        String addressText = slash < 0 ? cidr : cidr.substring(0, slash);
        InetAddress address = literal(value, addressText);
        byte[] bytes = address.getAddress();
        boolean ipv6Text = addressText.indexOf(':') >= 0;
        int bits = ipv6Text ? 128 : 32;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw bad(value, "prefix length '" + cidr.substring(slash + 1) + "' is not a number");
            }
            if (prefix < 0 || prefix > bits) {
                throw bad(value, "prefix length must be 0.." + bits);
            }
        }
        if (ipv6Text && bytes.length == 4) { // an IPv4-mapped literal, ::ffff:a.b.c.d, which Java reads as IPv4
            if (prefix < 96) {
                throw bad(value, "an IPv4-mapped range needs a prefix of /96 or longer (or write the IPv4 range)");
            }
            prefix -= 96; // ::ffff:a.b.c.d/N is a.b.c.d/(N-96)
        }
        for (int i = prefix; i < bytes.length * 8; i++) {
            if ((bytes[i / 8] & (0x80 >> (i % 8))) != 0) {
                throw bad(value, "address bits set beyond the /" + (slash < 0 ? prefix : cidr.substring(slash + 1))
                        + " prefix (write the range's first address)");
            }
        }
        return new AllowedDestination(s, bytes, prefix, portList == null ? List.of() : ports(value, portList));
    }

    private static InetAddress literal(String value, String text) {
        boolean v4 = IPV4.matcher(text).matches();
        if (!v4 && !IPV6.matcher(text).matches()) {
            throw bad(value, "'" + text + "' is not an IPv4 or IPv6 address");
        }
        try {
            return InetAddress.getByName(text); // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw bad(value, "'" + text + "' is not an IPv4 or IPv6 address");
        }
    }

    private static List<int[]> ports(String value, String list) {
        List<int[]> out = new ArrayList<>();
        for (String part : list.split(",", -1)) {
            int dash = part.indexOf('-');
            int low = port(value, dash < 0 ? part : part.substring(0, dash));
            int high = dash < 0 ? low : port(value, part.substring(dash + 1));
            if (high < low) {
                throw bad(value, "port range " + part + " is empty");
            }
            out.add(new int[] {low, high});
        }
        return List.copyOf(out);
    }

    private static int port(String value, String text) {
        int p;
        try {
            p = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw bad(value, "port '" + text + "' is not a number");
        }
        if (p < 1 || p > 65535) {
            throw bad(value, "port " + p + " is outside 1..65535");
        }
        return p;
    }

    private static IllegalArgumentException bad(String value, String why) {
        return new IllegalArgumentException("--allow-destination '" + value + "': " + why + ". Expected " + FORMS);
    }

    /** Whether {@code destination} (IPv4-mapped IPv6 read as IPv4) is inside this range and port list; never a name. */
    public boolean matches(InetSocketAddress destination) {
        if (destination.isUnresolved()) {
            return false;
        }
        byte[] a = AddressClass.canonical(destination.getAddress()).getAddress();
        if (a.length != network.length) {
            return false;
        }
        for (int i = 0; i < prefix; i++) {
            int mask = 0x80 >> (i % 8);
            if ((a[i / 8] & mask) != (network[i / 8] & mask)) {
                return false;
            }
        }
        if (ports.isEmpty()) {
            return true;
        }
        int port = destination.getPort();
        return ports.stream().anyMatch(r -> port >= r[0] && port <= r[1]);
    }

    /** As written on the command line. */
    @Override
    public String toString() {
        return text;
    }
}
