package org.bip324proxy.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bip324proxy.v1.V1Message;

/**
 * Sends messages through a {@link V1TestClient} on one thread while receiving their echoes on the
 * caller's, so large exchanges cannot deadlock on full socket buffers, and checks every echo is
 * byte-exact and in order ({@code ping} comes back as {@code pong}).
 */
public final class EchoExchange {
    private EchoExchange() {
    }

    public static void run(V1TestClient client, List<V1Message> messages, java.util.function.Supplier<String> log) throws Exception {
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            try {
                for (V1Message m : messages) {
                    client.send(m.command(), m.copyPayload());
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        for (int i = 0; i < messages.size(); i++) {
            V1Message sent = messages.get(i);
            V1Message got = client.receive();
            assertNotNull(got, "connection closed after " + i + " of " + messages.size() + " echoes; log:\n" + log.get());
            assertEquals(sent.isCommand("ping") ? "pong" : sent.command(), got.command(), "message " + i);
            assertArrayEquals(sent.copyPayload(), got.copyPayload(), "payload of message " + i);
        }
        sender.get(60, TimeUnit.SECONDS);
    }
}
