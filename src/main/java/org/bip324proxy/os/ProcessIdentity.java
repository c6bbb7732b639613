package org.bip324proxy.os;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import jnr.posix.Group;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.Passwd;

/**
 * The group identity of this process, through jnr-posix (loaded lazily, on first use).
 *
 * <p>The redirect rules ({@code -m owner --gid-owner}, nft {@code meta skgid}) match a socket by
 * the group of the process that created it: the file-system gid, which follows the
 * <em>effective</em> gid, i.e. the primary group ({@code sudo -g GROUP} sets it). Supplementary
 * groups do not count. If the proxy itself ran with the redirect group as its primary group, its
 * own outbound connections would be redirected back to it, so it must refuse to start.
 */
public final class ProcessIdentity {

    /** The group whose members' outbound P2P connections the redirect rules send to the proxy. */
    public static final String REDIRECT_GROUP = "redirect_to_bip324-proxy";

    private ProcessIdentity() {
    }

    /**
     * The primary (effective) gid of this process, the one owner-matching rules see.
     *
     * @throws NativeUnavailableException if native access is unavailable
     */
    public static long primaryGid() {
        return Integer.toUnsignedLong(posix().getegid());
    }

    /**
     * The effective uid of this process.
     *
     * @throws NativeUnavailableException if native access is unavailable
     */
    public static long effectiveUid() {
        return Integer.toUnsignedLong(posix().geteuid());
    }

    /**
     * The real uid of this process (the user who ran it), whether or not the user database knows it.
     *
     * @throws NativeUnavailableException if native access is unavailable
     */
    public static long realUid() {
        return Integer.toUnsignedLong(posix().getuid());
    }

    /** The login name of {@code uid}, empty if the user database has none. */
    public static Optional<String> loginName(long uid) {
        Passwd pw = posix().getpwuid((int) uid);
        return pw == null ? Optional.empty() : Optional.ofNullable(pw.getLoginName());
    }

    /** The names listed as supplementary members of group {@code gid} (not those with it as primary group). */
    public static List<String> groupMembers(long gid) {
        Group group = posix().getgrgid((int) gid);
        return group == null || group.getMembers() == null ? List.of() : List.of(group.getMembers());
    }

    /**
     * Looks a group up by name ({@code getgrnam}, so /etc/group and any other NSS source).
     *
     * @return the gid, or empty if there is no such group
     * @throws NativeUnavailableException if native access is unavailable
     */
    public static OptionalLong gidOf(String groupName) {
        if (groupName == null || groupName.isEmpty()) {
            throw new IllegalArgumentException("empty group name");
        }
        Group group = posix().getgrnam(groupName);
        return group == null ? OptionalLong.empty() : OptionalLong.of(group.getGID());
    }

    /**
     * Refuses to go on when this process's primary gid is the gid of {@code redirectGroup}: its
     * outbound connections would be redirected back to itself. A missing group is fine.
     *
     * @throws IllegalStateException with an explanation, if the process runs as that group
     * @throws NativeUnavailableException if native access is unavailable
     */
    public static void checkNotRedirected(String redirectGroup) {
        OptionalLong gid = gidOf(redirectGroup);
        long own = primaryGid();
        if (gid.isPresent() && gid.getAsLong() == own) {
            throw new IllegalStateException("this process runs with primary group " + redirectGroup
                    + " (gid " + own + "), the group whose connections are redirected to the proxy: "
                    + "the proxy's own outbound connections would come back to itself. Start it with "
                    + "another primary group (not with sudo -g " + redirectGroup + ")");
        }
    }

    static POSIX posix() {
        if (Holder.FAILURE != null) {
            throw new NativeUnavailableException(NativeLibC.failureMessage(Holder.FAILURE), Holder.FAILURE);
        }
        return Holder.POSIX;
    }

    private static final class Holder {
        static final POSIX POSIX;
        static final Throwable FAILURE;

        static {
            POSIX p = null;
            Throwable failure = null;
            try {
                p = POSIXFactory.getNativePOSIX();
                if (p == null || !p.isNative()) {
                    failure = new UnsupportedOperationException("jnr-posix has no native support here");
                    p = null;
                } else {
                    p.getegid(); // jnr binds lazily: make a native call now, where failure is caught
                }
            } catch (LinkageError | RuntimeException e) {
                failure = e;
            }
            POSIX = p;
            FAILURE = failure;
        }
    }
}
