package org.bip324proxy.testsupport;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test created (namespaces, groups, processes, sockets), closed in reverse order of
 * creation. Every resource is closed even when an earlier close fails; the first failure is
 * thrown with the later ones attached as suppressed. Register it as a field with
 * {@code @RegisterExtension} and it runs after each test.
 */
public final class Cleanup implements AutoCloseable, AfterEachCallback {
    private final List<AutoCloseable> resources = new ArrayList<>();

    /** Registers {@code resource} to be closed by {@link #close()} and returns it. */
    public <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        close();
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        resources.clear();
        if (first != null) {
            throw first;
        }
    }
}
