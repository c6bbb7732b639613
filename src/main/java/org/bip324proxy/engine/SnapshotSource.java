package org.bip324proxy.engine;

/** Something that can describe the proxy now, e.g. {@code () -> server.snapshot(timeout)}. */
@FunctionalInterface
public interface SnapshotSource {
    ProxySnapshot snapshot() throws Exception;
}
