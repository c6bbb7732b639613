package org.bip324proxy.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class ControlSocketPathTest {
    @Test
    void systemdRuntimeDirectoryComesFirst() {
        assertEquals(Path.of("/run/svc/control.sock"),
                ControlSocketPath.forProxy(Map.of("RUNTIME_DIRECTORY", "/run/svc:/run/other", "XDG_RUNTIME_DIR", "/run/user/5"), 5));
    }

    @Test
    void rootUsesTheServiceDirectoryAndUsersTheirOwn() {
        assertEquals(Path.of("/run/bip324-proxy/control.sock"), ControlSocketPath.forProxy(Map.of(), 0, OptionalLong.empty()));
        assertEquals(Path.of("/run/user/1000/bip324-proxy/control.sock"),
                ControlSocketPath.forProxy(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), 1000, OptionalLong.empty()));
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "bip324-proxy-1000", "control.sock"),
                ControlSocketPath.forProxy(Map.of(), 1000, OptionalLong.empty()));
    }

    @Test
    void theServiceUserUsesTheServiceDirectoryWithoutSystemd() {
        assertEquals(Path.of("/run/bip324-proxy/control.sock"),
                ControlSocketPath.forProxy(Map.of("XDG_RUNTIME_DIR", "/run/user/999"), 999, OptionalLong.of(999)));
        assertEquals(Path.of("/run/user/1000/bip324-proxy/control.sock"),
                ControlSocketPath.forProxy(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), 1000, OptionalLong.of(999)));
        assertEquals(Path.of("/run/bip324-proxy/control.sock"), ControlSocketPath.forProxy(Map.of(), 0, OptionalLong.of(999)));
    }

    @Test
    void statusLooksForTheServiceSocketToo() {
        assertEquals(List.of(Path.of("/run/user/1000/bip324-proxy/control.sock"), Path.of("/run/bip324-proxy/control.sock")),
                ControlSocketPath.candidatesForClient(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), 1000));
    }
}
