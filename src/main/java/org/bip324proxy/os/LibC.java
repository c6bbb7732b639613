package org.bip324proxy.os;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;

/**
 * The few libc functions the proxy calls through jnr-ffi. Kept deliberately minimal; obtain an
 * instance only through {@link NativeLibC#get()}, which loads it lazily.
 */
public interface LibC {

    /** {@code int getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)}. */
    @SaveError
    int getsockopt(int fd, int level, int optname, @Out byte[] optval, @In @Out IntByReference optlen);

    /** {@code int setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)}. */
    @SaveError
    int setsockopt(int fd, int level, int optname, @In byte[] optval, int optlen);

    /** {@code char *strerror(int errnum)}. */
    String strerror(int errnum);
}
