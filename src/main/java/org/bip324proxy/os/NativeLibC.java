package org.bip324proxy.os;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * Lazy access to {@link LibC}.
 *
 * <p>Nothing native is touched until {@link #get()} is first called, so the proxy can start (and,
 * for example, print its help or run in a mode that needs no redirection) even where native
 * loading fails. The failure is remembered and reported with a clear message each time native
 * access is actually needed.
 *
 * <p>jffi, below jnr-ffi, extracts a small native stub into {@code java.io.tmpdir} and loads it
 * from there (jffi 1.4.3 retries in the working directory when that fails). If that directory is
 * mounted {@code noexec} (systemd {@code PrivateTmp=} may give such a /tmp), loading fails; start
 * the JVM with {@code -Djffi.extract.dir=DIR} naming a writable
 * directory that allows executing (for example the service's state directory).
 */
final class NativeLibC {

    private NativeLibC() {
    }

    /**
     * Returns the loaded library.
     *
     * @throws NativeUnavailableException if jnr-ffi/jffi or libc could not be loaded
     */
    static LibC get() {
        if (Holder.FAILURE != null) {
            throw new NativeUnavailableException(failureMessage(Holder.FAILURE), Holder.FAILURE);
        }
        return Holder.LIBC;
    }

    /** The errno saved by the last {@code @SaveError} call on this thread. */
    static int lastErrno() {
        return LastError.getLastError(Runtime.getRuntime(get()));
    }

    /** {@code strerror(errno)}, never null. */
    static String describe(int errno) {
        String text = null;
        try {
            text = get().strerror(errno);
        } catch (RuntimeException e) {
            // fall through to the bare number
        }
        return (text == null || text.isEmpty()) ? "errno " + errno : text + " (errno " + errno + ")";
    }

    static String failureMessage(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail = String.valueOf(root.getMessage()).replaceAll("\\s+", " ").strip();
        if (detail.length() > 300) {
            detail = detail.substring(0, 300) + "...";
        }
        return "native access through jnr-ffi/jffi is unavailable (" + cause
                + (root == cause ? "" : "; root cause: " + detail) + "). "
                + "jffi extracts a native stub into java.io.tmpdir (currently "
                + System.getProperty("java.io.tmpdir") + ", then the working directory); if these are noexec "
                + "(for example by systemd PrivateTmp=), start Java with "
                + "-Djffi.extract.dir=<a writable directory that allows executing>";
    }

    private static final class Holder {
        static final LibC LIBC;
        static final Throwable FAILURE;

        static {
            LibC lib = null;
            Throwable failure = null;
            try {
                // jnr-ffi loads lazily by default (the first call would throw UnsatisfiedLinkError):
                // fail here instead, where the error is caught and explained.
                lib = LibraryLoader.create(LibC.class).failImmediately().load("c");
            } catch (LinkageError | RuntimeException e) {
                failure = e;
            }
            LIBC = lib;
            FAILURE = failure;
        }
    }
}
