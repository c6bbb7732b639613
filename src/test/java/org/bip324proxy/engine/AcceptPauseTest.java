package org.bip324proxy.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Pausing and resuming accepts on real listeners; times are given, not slept. */
@Tag("fast")
class AcceptPauseTest {
    private static final long PAUSE = 200_000_000L;

    private static ServerSocketChannel listener() throws Exception {
        ServerSocketChannel ch = ServerSocketChannel.open();
        ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ch.configureBlocking(false);
        return ch;
    }

    @Test
    void allListenersPauseAndResumeWhenThePauseIsOver() throws Exception {
        try (Selector selector = Selector.open(); ServerSocketChannel a = listener(); ServerSocketChannel b = listener()) {
            AcceptPause pause = new AcceptPause(PAUSE);
            SelectionKey ka = a.register(selector, SelectionKey.OP_ACCEPT);
            SelectionKey kb = b.register(selector, SelectionKey.OP_ACCEPT);
            pause.add(ka);
            pause.add(kb);
            pause.pause(1_000);
            assertEquals(0, ka.interestOps());
            assertEquals(0, kb.interestOps());
            pause.resumeIfDue(1_000 + PAUSE - 1);
            assertEquals(0, ka.interestOps(), "still paused");
            pause.resumeIfDue(1_000 + PAUSE);
            assertEquals(SelectionKey.OP_ACCEPT, ka.interestOps());
            assertEquals(SelectionKey.OP_ACCEPT, kb.interestOps());
        }
    }

    /**
     * Bug: a listener closed while the loop accepts (the proxy shutting down its listeners from
     * another thread) made the failed accept's pause throw CancelledKeyException on its key, which
     * ended the accepting loop, and with it the process.
     */
    @Test
    void aListenerClosedDuringAcceptIsSkippedByThePause() throws Exception {
        try (Selector selector = Selector.open(); ServerSocketChannel open = listener(); ServerSocketChannel closed = listener()) {
            AcceptPause pause = new AcceptPause(PAUSE);
            SelectionKey kClosed = closed.register(selector, SelectionKey.OP_ACCEPT);
            SelectionKey kOpen = open.register(selector, SelectionKey.OP_ACCEPT);
            pause.add(kClosed);
            pause.add(kOpen);
            closed.close(); // cancels its key, as closing the listeners does
            pause.pause(0);
            assertEquals(0, kOpen.interestOps(), "the open listener is paused");
            pause.resumeIfDue(PAUSE);
            assertEquals(SelectionKey.OP_ACCEPT, kOpen.interestOps(), "and resumed");
        }
    }
}
