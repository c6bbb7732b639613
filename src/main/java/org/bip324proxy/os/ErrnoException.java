package org.bip324proxy.os;

import java.io.IOException;

/** A failed system call: the message names the call and {@code strerror(errno)}. */
public final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public ErrnoException(String call, int errno) {
        super(call + " failed: " + NativeLibC.describe(errno));
        this.errno = errno;
    }

    /** The Linux errno value. */
    public int errno() {
        return errno;
    }
}
