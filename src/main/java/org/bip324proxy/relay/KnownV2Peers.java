package org.bip324proxy.relay;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Destinations known to speak BIP324, shared by all sessions (thread-safe). Bounded: at most
 * {@code capacity} entries, the least recently learned or used evicted first. Memory: about
 * 200 bytes per entry (key string, map node), so 10,000 entries take ~2 MB.
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
    private final LinkedHashMap<String, Evidence> byDestination;
    private boolean changed;

    public KnownV2Peers(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the known-v2 store needs room for at least one destination");
        }
        this.capacity = capacity;
        this.byDestination = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Evidence> eldest) {
                return size() > KnownV2Peers.this.capacity;
            }
        };
    }

    public int capacity() {
        return capacity;
    }

    /** Records evidence; weaker evidence never replaces stronger. */
    public synchronized void learn(InetSocketAddress destination, Evidence evidence) {
        learn(Endpoints.format(destination), evidence);
    }

    private void learn(String key, Evidence evidence) {
        Evidence old = byDestination.get(key);
        if (old == null || old.compareTo(evidence) < 0) {
            byDestination.put(key, evidence);
            changed = true;
        }
    }

    public synchronized Optional<Evidence> evidence(InetSocketAddress destination) {
        return Optional.ofNullable(byDestination.get(Endpoints.format(destination)));
    }

    public synchronized int size() {
        return byDestination.size();
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
        List<Entry> out = new ArrayList<>(byDestination.size());
        byDestination.forEach((k, v) -> out.add(new Entry(k, v)));
        return out;
    }
}
