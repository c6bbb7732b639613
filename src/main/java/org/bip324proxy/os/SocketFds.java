package org.bip324proxy.os;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.SelectableChannel;

/**
 * The Unix file descriptor behind a JDK {@code SocketChannel} or {@code ServerSocketChannel}.
 *
 * <p>The JDK keeps it behind the internal interface {@code sun.nio.ch.SelChImpl#getFDVal()}, which
 * is reachable only when {@code java.base/sun.nio.ch} is exported to our code: the executable jar
 * carries {@code Add-Exports: java.base/sun.nio.ch} in its manifest; anything else (tests, an IDE,
 * {@code java -cp}) must pass {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}. Without it
 * this class throws {@link NativeUnavailableException} saying so; it never returns -1.
 *
 * <p>The number is only meaningful while the channel stays open: do not close the channel
 * concurrently with a native call on its descriptor, or the number may already name another file.
 */
public final class SocketFds {

    static final String HOW_TO_FIX = "run the proxy as an executable jar (its manifest has "
            + "Add-Exports: java.base/sun.nio.ch) or pass --add-exports java.base/sun.nio.ch=ALL-UNNAMED "
            + "to java";

    private SocketFds() {
    }

    /**
     * Returns the descriptor of an open JDK socket channel.
     *
     * @throws NativeUnavailableException if the JDK internals are not exported to this code, or the
     *     channel is not a JDK implementation
     * @throws IllegalStateException if the channel is closed
     */
    public static int fd(SelectableChannel channel) {
        Method getFDVal = Accessor.get();
        Class<?> selChImpl = getFDVal.getDeclaringClass();
        if (!selChImpl.isInstance(channel)) {
            throw new NativeUnavailableException("not a JDK socket channel implementation: "
                    + channel.getClass().getName(), null);
        }
        if (!channel.isOpen()) {
            throw new IllegalStateException("channel is closed: " + channel);
        }
        int fd;
        try {
            fd = (Integer) getFDVal.invoke(channel);
        } catch (IllegalAccessException e) {
            throw new NativeUnavailableException("cannot read the file descriptor of a socket channel ("
                    + e.getMessage() + "): " + HOW_TO_FIX, e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("getFDVal failed", e.getCause());
        }
        if (fd < 0) {
            // Happens when the channel was closed between the isOpen check and the call.
            throw new IllegalStateException("channel has no file descriptor (closed?): " + channel);
        }
        return fd;
    }

    /** Throws {@link NativeUnavailableException} now if {@link #fd} could never work in this JVM. */
    public static void checkAccessible() {
        Method m = Accessor.get();
        if (!m.getDeclaringClass().getModule().isExported("sun.nio.ch", SocketFds.class.getModule())) {
            throw new NativeUnavailableException("package sun.nio.ch is not exported to this code: "
                    + HOW_TO_FIX, null);
        }
    }

    private static final class Accessor {
        private static final Method GET_FD_VAL;
        private static final Throwable FAILURE;

        static {
            Method m = null;
            Throwable failure = null;
            try {
                m = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            } catch (ReflectiveOperationException | LinkageError e) {
                failure = e;
            }
            GET_FD_VAL = m;
            FAILURE = failure;
        }

        static Method get() {
            if (FAILURE != null) {
                throw new NativeUnavailableException(
                        "this JDK has no sun.nio.ch.SelChImpl.getFDVal(): " + FAILURE, FAILURE);
            }
            return GET_FD_VAL;
        }
    }
}
