package org.bip324proxy.os;

/**
 * Thrown when the operating-system glue cannot work in this JVM: the native bridge (jnr-ffi/jffi)
 * could not be loaded, or the JDK internals needed to read a socket's file descriptor are not
 * exported to us. The message says how to fix it.
 */
public final class NativeUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public NativeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
