package org.bip324proxy.os;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A tiny main program that tests run in a child JVM, to see the OS glue under conditions the test
 * JVM cannot have itself (no --add-exports, another primary gid, a noexec tmpdir).
 * Prints one line per step and exits 0 on success, 3 on the expected kind of refusal.
 */
public final class OsProbe {

    private OsProbe() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "fd" -> {
                try (ServerSocketChannel s = ServerSocketChannel.open()) {
                    System.out.println("fd " + SocketFds.fd(s));
                } catch (NativeUnavailableException e) {
                    System.out.println("unavailable: " + e.getMessage());
                    System.exit(3);
                }
            }
            case "identity" -> {
                System.out.println("gid " + ProcessIdentity.primaryGid());
                try {
                    ProcessIdentity.checkNotRedirected(args[1]);
                    System.out.println("allowed");
                } catch (IllegalStateException e) {
                    System.out.println("refused: " + e.getMessage());
                    System.exit(3);
                }
            }
            case "native" -> {
                // Startup without native code must work: the fd path is pure Java. Each native
                // step must then fail with NativeUnavailableException, never a raw LinkageError.
                boolean unavailable = false;
                try (ServerSocketChannel s = ServerSocketChannel.open()) {
                    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    System.out.println("fd " + SocketFds.fd(s));
                    try (SocketChannel c = SocketChannel.open(s.getLocalAddress());
                         SocketChannel accepted = s.accept()) {
                        System.out.println("connected " + c.isConnected());
                        for (int attempt = 0; attempt < 2; attempt++) {
                            try {
                                System.out.println("lookup " + OriginalDestination.lookup(accepted));
                            } catch (NativeUnavailableException e) {
                                System.out.println("lookup unavailable: " + e.getMessage());
                                unavailable = true;
                            }
                        }
                    }
                }
                try {
                    System.out.println("gid " + ProcessIdentity.primaryGid());
                } catch (NativeUnavailableException e) {
                    System.out.println("identity unavailable: " + e.getMessage());
                    unavailable = true;
                }
                if (unavailable) {
                    System.exit(3);
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
