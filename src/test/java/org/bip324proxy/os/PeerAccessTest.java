package org.bip324proxy.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalLong;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.bip324proxy.testsupport.TempGroup;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("system")
class PeerAccessTest {
    private static final long OWN = 1000;
    private static final long ADMIN_GID = 4321;

    @Test
    void rootAndTheProxysOwnUserMayAsk() {
        PeerAccess access = new PeerAccess(OWN, Optional.empty(), OptionalLong.empty());
        assertEquals(Optional.empty(), access.denialReason(new PeerAccess.Peer(1, 0, 0)));
        assertEquals(Optional.empty(), access.denialReason(new PeerAccess.Peer(1, OWN, 5)));
        String why = access.denialReason(new PeerAccess.Peer(1, 2000, 2000)).orElseThrow();
        assertTrue(why.contains("uid 2000") && why.contains("--control-group"), why);
    }

    @Test
    void theAdminGroupAsPrimaryGroupMayAsk() {
        PeerAccess access = new PeerAccess(OWN, Optional.of("admins"), OptionalLong.of(ADMIN_GID));
        assertEquals(Optional.empty(), access.denialReason(new PeerAccess.Peer(1, 2000, ADMIN_GID)));
        String why = access.denialReason(new PeerAccess.Peer(1, 2000, 2000)).orElseThrow();
        assertTrue(why.contains("admin group admins"), why);
    }

    @Test
    void aMissingAdminGroupIsAnError() throws Exception {
        SystemTestSupport.requireRoot("groupadd", "groupdel");
        String name;
        try (TempGroup g = TempGroup.create()) {
            name = g.name();
            assertEquals(Optional.empty(), PeerAccess.forThisProcess(Optional.of(name))
                    .denialReason(new PeerAccess.Peer(1, 2000, g.gid())));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeerAccess.forThisProcess(Optional.of(name)));
        assertTrue(e.getMessage().contains("no such group"), e.getMessage());
    }
}
