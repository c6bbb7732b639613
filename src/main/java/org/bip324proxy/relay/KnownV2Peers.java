package org.bip324proxy.relay;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bip324proxy.v1.AddrMessages;
import org.bip324proxy.v1.V1Protocol;

/**
 * Destinations known to speak BIP324, shared by all sessions (thread-safe). Bounded: at most
 * {@code capacity} completed handshakes and, apart, at most {@code capacity} advertised hints, each
 * set evicting its least recently learned or used entry first, so a peer that floods addr messages
 * with forged hints cannot push out what handshakes proved. Memory: about 200 bytes per entry
 * (key string, map node), so 2 × 10,000 entries take ~4 MB.
 */
public final class KnownV2Peers {
    /** Why a destination is believed to speak v2, strongest last. */
    public enum Evidence {
        /** Service bit 11 (NODE_P2P_V2) in an addr/addrv2 entry: a hint, anyone can set it. */
        ADVERTISED,
        /** The proxy completed a BIP324 handshake with it. */
        HANDSHAKE;

        public String logName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One remembered destination, as saved. */
    public record Entry(String destination, Evidence evidence) {
    }

    private final int capacity;
    private final Map<String, Boolean> handshakes;
    private final Map<String, Boolean> hints;
    private boolean changed;

    public KnownV2Peers(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the known-v2 store needs room for at least one destination");
        }
        this.capacity = capacity;
        this.handshakes = lru(capacity);
        this.hints = lru(capacity);
    }

    private static Map<String, Boolean> lru(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    public int capacity() {
        return capacity;
    }

    /** Records evidence; a hint never replaces a handshake. */
    public synchronized void learn(InetSocketAddress destination, Evidence evidence) {
        learn(Endpoints.format(destination), evidence);
    }

    private void learn(String key, Evidence evidence) {
        if (evidence == Evidence.HANDSHAKE) {
            hints.remove(key);
            changed |= handshakes.put(key, Boolean.TRUE) == null;
        } else if (!handshakes.containsKey(key)) {
            changed |= hints.put(key, Boolean.TRUE) == null;
        }
    }

    /**
     * Remembers the addresses of an addr/addrv2 frame ({@code frame}: v1 header and payload) relayed
     * to a client that announce NODE_P2P_V2, as a hint (BIP324, "Signaling"); other frames are ignored.
     */
    public void learnFromAddr(String command, ByteBuffer frame) {
        if (AddrMessages.isAddr(command)) {
            ByteBuffer payload = frame.duplicate().position(frame.position() + V1Protocol.HEADER_SIZE);
            AddrMessages.v2Capable(command, payload).forEach(a -> learn(a, Evidence.ADVERTISED));
        }
    }

    public synchronized Optional<Evidence> evidence(InetSocketAddress destination) {
        String key = Endpoints.format(destination);
        return handshakes.get(key) != null ? Optional.of(Evidence.HANDSHAKE)
                : hints.get(key) != null ? Optional.of(Evidence.ADVERTISED) : Optional.empty();
    }

    public synchronized int size() {
        return handshakes.size() + hints.size();
    }

    /** Adds saved entries (oldest first, so the newest survive if there are more than fit). */
    public synchronized void restore(List<Entry> entries) {
        entries.forEach(e -> learn(e.destination(), e.evidence()));
        changed = false;
    }

    /** The entries, least recently used first, if anything changed since the last call; else empty. */
    public synchronized Optional<List<Entry>> takeChanges() {
        if (!changed) {
            return Optional.empty();
        }
        changed = false;
        return Optional.of(entries());
    }

    public synchronized List<Entry> entries() {
        List<Entry> out = new ArrayList<>(size());
        hints.keySet().forEach(k -> out.add(new Entry(k, Evidence.ADVERTISED)));
        handshakes.keySet().forEach(k -> out.add(new Entry(k, Evidence.HANDSHAKE)));
        return out;
    }
}
