package org.bip324proxy.os;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import org.bip324proxy.testsupport.Cmd;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.bip324proxy.testsupport.TempGroup;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("system")
class ProcessIdentityTest {

    private static final String MISSING = "b324t-missing-" + ProcessHandle.current().pid();

    @Test
    void primaryGidIsTheEffectiveGidTheKernelReports() {
        assertEquals(SystemTestSupport.statusId("Gid:", 1), ProcessIdentity.primaryGid());
    }

    @Test
    void looksUpGroupsByName() throws Exception {
        String own = Cmd.check("id", "-gn").strip();
        assertEquals(OptionalLong.of(ProcessIdentity.primaryGid()), ProcessIdentity.gidOf(own));
        if (Cmd.run(List.of("getent", "group", "root"), null, Cmd.DEFAULT_TIMEOUT).ok()) {
            assertEquals(OptionalLong.of(0), ProcessIdentity.gidOf("root"));
        }
        assertEquals(OptionalLong.empty(), ProcessIdentity.gidOf(MISSING));
        assertThrows(IllegalArgumentException.class, () -> ProcessIdentity.gidOf(""));
    }

    @Test
    void refusesToRunAsTheRedirectGroup() throws Exception {
        String own = Cmd.check("id", "-gn").strip();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ProcessIdentity.checkNotRedirected(own));
        assertTrue(e.getMessage().contains(own) && e.getMessage().contains("gid " + ProcessIdentity.primaryGid()),
                e.getMessage());
        assertDoesNotThrow(() -> ProcessIdentity.checkNotRedirected(MISSING));
    }

    @Test
    void temporaryGroupAsPrimaryOrSupplementaryGroup() throws Exception {
        SystemTestSupport.requireRoot("groupadd", "groupdel", "getent", "setpriv");
        try (TempGroup group = TempGroup.create()) {
            assertEquals(OptionalLong.of(group.gid()), ProcessIdentity.gidOf(group.name()));

            // A child JVM whose primary group is the redirect group must refuse to run ...
            Cmd.Result asGroup = Cmd.run(setpriv(List.of("--regid=" + group.gid(), "--clear-groups"),
                    ChildJvm.probe(ChildJvm.OPENS, "identity", group.name())), null, Cmd.DEFAULT_TIMEOUT);
            assertEquals(3, asGroup.exitCode(), asGroup.stdout() + asGroup.stderr());
            assertTrue(asGroup.stdout().contains("gid " + group.gid()), asGroup.stdout());
            assertTrue(asGroup.stdout().contains("refused"), asGroup.stdout());

            // ... but only the primary group counts, as for --gid-owner / meta skgid.
            Cmd.Result supplementary = Cmd.run(setpriv(List.of("--regid=0", "--groups=" + group.gid()),
                    ChildJvm.probe(ChildJvm.OPENS, "identity", group.name())), null, Cmd.DEFAULT_TIMEOUT);
            assertEquals(0, supplementary.exitCode(), supplementary.stdout() + supplementary.stderr());
            assertTrue(supplementary.stdout().contains("allowed"), supplementary.stdout());
        }
    }

    private static List<String> setpriv(List<String> options, List<String> command) {
        List<String> full = new ArrayList<>();
        full.add(SystemTestSupport.tool("setpriv"));
        full.addAll(options);
        full.add("--");
        full.addAll(command);
        return full;
    }
}
