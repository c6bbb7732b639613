package org.bip324proxy.v1;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bip324proxy.bytes.Endian;

/**
 * A Bitcoin P2P network as identified on the v1 wire by its 4-byte magic ("message start"),
 * in wire order. The five networks Bitcoin Core knows are constants; any other magic (for
 * example a custom signet, whose magic derives from its challenge) is a custom network.
 *
 * <p>Immutable and thread-safe.
 */
public final class Network {
    public static final Network MAINNET = known("mainnet", 0xf9beb4d9, 8333);
    public static final Network TESTNET3 = known("testnet3", 0x0b110907, 18333);
    public static final Network TESTNET4 = known("testnet4", 0x1c163f28, 48333);
    public static final Network SIGNET = known("signet", 0x0a03cf40, 38333);
    public static final Network REGTEST = known("regtest", 0xfabfb5da, 18444);

    private static final List<Network> KNOWN = List.of(MAINNET, TESTNET3, TESTNET4, SIGNET, REGTEST);

    private static final Pattern HEX8 = Pattern.compile("[0-9a-fA-F]{8}");
    private static final Pattern CUSTOM_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Accepted forms, quoted in every parse error. */
    public static final String VALID_FORMS = "a network name (mainnet|main, testnet3|testnet|test, testnet4, signet,"
            + " regtest), NAME:MAGICHEX[:PORT] for a custom network (e.g. mysignet:0a1b2c3d:38333),"
            + " or a bare MAGICHEX of 8 hex digits in wire order (e.g. f9beb4d9)";

    private final String name;
    /** The magic in wire order packed big-endian: byte 0 is the most significant. */
    private final int magic;
    private final int defaultPort;
    private final boolean known;

    private Network(String name, int magic, int defaultPort, boolean known) {
        this.name = name;
        this.magic = magic;
        this.defaultPort = defaultPort;
        this.known = known;
    }

    private static Network known(String name, int magic, int port) {
        return new Network(name, magic, port, true);
    }

    /** The five networks Bitcoin Core ships with. */
    public static List<Network> knownNetworks() {
        return KNOWN;
    }

    /**
     * A custom network. The magic must not be that of a known network (use the constant).
     *
     * @param defaultPort 0..65535; 0 means "no default port"
     */
    public static Network custom(String name, byte[] magic, int defaultPort) {
        Objects.requireNonNull(name, "name");
        if (!CUSTOM_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("custom network name \"" + name
                    + "\" must be 1..64 characters of [A-Za-z0-9._-] starting with a letter or digit");
        }
        if (defaultPort < 0 || defaultPort > 65535) {
            throw new IllegalArgumentException("port " + defaultPort + " is outside 0..65535");
        }
        int m = pack(magic);
        for (Network n : KNOWN) {
            if (n.name.equalsIgnoreCase(name)) {
                throw new IllegalArgumentException("\"" + name + "\" is the name of a known network; pick another name");
            }
            if (n.magic == m) {
                throw new IllegalArgumentException("magic " + hex8(m) + " belongs to " + n.name + "; use \"" + n.name + "\"");
            }
        }
        return new Network(name, m, defaultPort, false);
    }

    /** The known network with this wire-order magic, if any. */
    public static Optional<Network> knownByMagic(byte[] magic) {
        return knownByMagic(pack(magic));
    }

    /** The known network whose magic is at {@code a[off..off+4)}, if any. */
    public static Optional<Network> knownByMagic(byte[] a, int off) {
        return knownByMagic(packAt(a, off));
    }

    static Optional<Network> knownByMagic(int packedMagic) {
        for (Network n : KNOWN) {
            if (n.magic == packedMagic) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /**
     * The known network with this magic, otherwise a custom network named
     * {@code custom-MAGICHEX} with default port 0.
     */
    public static Network forMagic(byte[] magic) {
        return forMagic(pack(magic));
    }

    static Network forMagic(int packedMagic) {
        return knownByMagic(packedMagic).orElseGet(() -> new Network("custom-" + hex8(packedMagic), packedMagic, 0, false));
    }

    /**
     * Parses a CLI value: see {@link #VALID_FORMS}. Names are case-insensitive. A bare magic of a
     * known network yields that network.
     *
     * @throws IllegalArgumentException with a message listing the valid forms
     */
    public static Network parse(String text) {
        if (text == null || text.isBlank()) {
            throw bad(text, "empty value");
        }
        String s = text.trim();
        switch (s.toLowerCase(Locale.ROOT)) {
            case "mainnet": case "main": return MAINNET;
            case "testnet3": case "testnet": case "test": return TESTNET3;
            case "testnet4": return TESTNET4;
            case "signet": return SIGNET;
            case "regtest": return REGTEST;
            default: break;
        }
        if (HEX8.matcher(s).matches()) {
            return forMagic(parseHex8(s));
        }
        String[] parts = s.split(":", -1);
        if (parts.length == 2 || parts.length == 3) {
            String name = parts[0];
            if (!HEX8.matcher(parts[1]).matches()) {
                throw bad(text, "\"" + parts[1] + "\" is not 8 hex digits");
            }
            int port = 0;
            if (parts.length == 3) {
                try {
                    port = Integer.parseInt(parts[2]);
                } catch (NumberFormatException e) {
                    throw bad(text, "\"" + parts[2] + "\" is not a port number");
                }
                if (port < 1 || port > 65535) {
                    throw bad(text, "port " + port + " is outside 1..65535");
                }
            }
            int magic = parseHex8(parts[1]);
            Optional<Network> k = knownByMagic(magic);
            if (k.isPresent()) {
                if (k.get().name.equalsIgnoreCase(name) && (parts.length == 2 || port == k.get().defaultPort)) {
                    return k.get();
                }
                throw bad(text, "magic " + parts[1].toLowerCase(Locale.ROOT) + " belongs to " + k.get().name
                        + "; use \"" + k.get().name + "\"");
            }
            try {
                return custom(name, unpack(magic), port);
            } catch (IllegalArgumentException e) {
                throw bad(text, e.getMessage());
            }
        }
        throw bad(text, "unknown network");
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("invalid network \"" + text + "\": " + why + ". Expected " + VALID_FORMS);
    }

    private static int parseHex8(String s) {
        return (int) Long.parseLong(s, 16);
    }

    /** Display / CLI name, e.g. "mainnet" or the custom name. */
    public String name() {
        return name;
    }

    /** A copy of the 4 magic bytes in wire order. */
    public byte[] magic() {
        return unpack(magic);
    }

    /** The magic as 8 lower-case hex digits in wire order, e.g. "f9beb4d9". */
    public String magicHex() {
        return hex8(magic);
    }

    /** Default P2P port; for custom networks whatever was configured, 0 if none. */
    public int defaultPort() {
        return defaultPort;
    }

    /** Whether this is one of the five networks Bitcoin Core knows. */
    public boolean isKnown() {
        return known;
    }

    /** Whether {@code a[off..off+4)} is this network's magic. */
    public boolean matchesMagic(byte[] a, int off) {
        return packAt(a, off) == magic;
    }

    int packedMagic() {
        return magic;
    }

    /** Writes the 4 magic bytes at {@code a[off]}. */
    void writeMagic(byte[] a, int off) {
        Endian.putBe32(a, off, magic);
    }

    static int pack(byte[] magic) {
        Objects.requireNonNull(magic, "magic");
        if (magic.length != V1Protocol.MESSAGE_START_SIZE) {
            throw new IllegalArgumentException("magic must be 4 bytes, got " + magic.length + ": " + Arrays.toString(magic));
        }
        return packAt(magic, 0);
    }

    static int packAt(byte[] a, int off) {
        return Endian.be32(a, off);
    }

    private static byte[] unpack(int m) {
        byte[] a = new byte[V1Protocol.MESSAGE_START_SIZE];
        Endian.putBe32(a, 0, m);
        return a;
    }

    static String hex8(int m) {
        return HexFormat.of().toHexDigits(m);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Network)) {
            return false;
        }
        Network other = (Network) o;
        return magic == other.magic && defaultPort == other.defaultPort && known == other.known && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, magic, defaultPort);
    }

    /** e.g. "mainnet (f9beb4d9)". */
    @Override
    public String toString() {
        return name + " (" + hex8(magic) + ")";
    }
}
