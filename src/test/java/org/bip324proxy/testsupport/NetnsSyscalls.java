package org.bip324proxy.testsupport;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/** The libc calls tests need to move a thread into a network namespace (jnr-ffi, loaded lazily). */
public interface NetnsSyscalls {

    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    int CLONE_NEWNET = 0x40000000;

    @SaveError
    int open(CharSequence path, int flags);

    @SaveError
    int setns(int fd, int nstype);

    int close(int fd);

    String strerror(int errnum);

    /** The loaded library. */
    static NetnsSyscalls get() {
        return Holder.LIBC;
    }

    /** errno of the last {@code @SaveError} call on this thread, with its text. */
    static String lastError() {
        int errno = LastError.getLastError(Runtime.getRuntime(Holder.LIBC));
        return Holder.LIBC.strerror(errno) + " (errno " + errno + ")";
    }

    /** Lazily loaded. */
    final class Holder {
        static final NetnsSyscalls LIBC = LibraryLoader.create(NetnsSyscalls.class).failImmediately().load("c");

        private Holder() {
        }
    }
}
