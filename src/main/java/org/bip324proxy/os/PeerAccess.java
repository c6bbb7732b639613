package org.bip324proxy.os;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;
import jnr.unixsocket.Credentials;
import jnr.unixsocket.UnixSocketChannel;
import jnr.unixsocket.UnixSocketOptions;

/**
 * Who may use the control socket: root, the proxy's own user, and members of an admin group the
 * operator names. The kernel tells who is on the other end of a Unix socket (SO_PEERCRED, the
 * credentials at connect time), so this does not rely on the socket file's mode alone.
 */
public final class PeerAccess {
    /** Credentials of the process at the other end of a Unix socket. */
    public record Peer(long pid, long uid, long gid) {
    }

    private final long ownUid;
    private final Optional<String> adminGroup;
    private final OptionalLong adminGid;

    PeerAccess(long ownUid, Optional<String> adminGroup, OptionalLong adminGid) {
        this.ownUid = ownUid;
        this.adminGroup = adminGroup;
        this.adminGid = adminGid;
    }

    /**
     * The policy for this process, with an optional admin group.
     *
     * @throws IllegalArgumentException if the group does not exist
     * @throws NativeUnavailableException if native access is unavailable
     */
    public static PeerAccess forThisProcess(Optional<String> adminGroup) {
        OptionalLong gid = OptionalLong.empty();
        if (adminGroup.isPresent()) {
            gid = ProcessIdentity.gidOf(adminGroup.get());
            if (gid.isEmpty()) {
                throw new IllegalArgumentException("--control-group " + adminGroup.get()
                        + ": no such group (create it with 'groupadd " + adminGroup.get() + "' or leave the option out)");
            }
        }
        return new PeerAccess(ProcessIdentity.effectiveUid(), adminGroup, gid);
    }

    /** The kernel's record of who connected ({@code SO_PEERCRED}). */
    public static Peer credentials(UnixSocketChannel ch) throws IOException {
        Credentials c = ch.getOption(UnixSocketOptions.SO_PEERCRED);
        if (c == null) {
            throw new IOException("SO_PEERCRED gave no credentials");
        }
        return new Peer(Integer.toUnsignedLong(c.getPid()), Integer.toUnsignedLong(c.getUid()),
                Integer.toUnsignedLong(c.getGid()));
    }

    /** Empty if {@code peer} may ask; otherwise why not, phrased for the asking user. */
    public Optional<String> denialReason(Peer peer) {
        if (peer.uid() == 0 || peer.uid() == ownUid || isAdmin(peer)) {
            return Optional.empty();
        }
        return Optional.of("access denied: uid " + peer.uid() + " is neither root nor the proxy's user (uid " + ownUid + ")"
                + adminGroup.map(g -> " nor in its admin group " + g)
                        .orElse(", and no admin group is set (start the proxy with --control-group GROUP)"));
    }

    private boolean isAdmin(Peer peer) {
        if (adminGid.isEmpty()) {
            return false;
        }
        long gid = adminGid.getAsLong();
        if (peer.gid() == gid) {
            return true;
        }
        Optional<String> name = ProcessIdentity.loginName(peer.uid());
        return name.isPresent() && ProcessIdentity.groupMembers(gid).contains(name.get());
    }
}
