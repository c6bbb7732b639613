package org.bip324proxy.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.bip324proxy.testsupport.Cleanup;
import org.bip324proxy.testsupport.Cmd;
import org.bip324proxy.testsupport.LogLine;
import org.bip324proxy.testsupport.NetNs;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real jar on a host without IPv6 loopback (a namespace whose lo has IPv6 disabled): the default
 * run listens on 127.0.0.1:1324 and says why in one line; a listener the user named still fails.
 */
@Tag("system")
class NoIpv6IT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();
    private NetNs host;

    @BeforeEach
    void hostWithoutIpv6() throws Exception {
        SystemTestSupport.requireRootNetworking();
        host = cleanup.keep(NetNs.create());
        host.exec("sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/lo/disable_ipv6");
    }

    @Test
    void theDefaultListensOnIpv4AndSaysSo() throws Exception {
        NamespacedProxy proxy = NamespacedProxy.start(host, "--threads", "1");
        String output = proxy.output();
        assertTrue(output.contains("IPv6 is not available on this host (no ::1): listening on 127.0.0.1:1324 only"),
                output);
        LogLine listening = output.lines().map(LogLine::parse)
                .filter(l -> l != null && l.event().equals("listening")).findFirst().orElseThrow();
        assertEquals("127.0.0.1:1324", listening.get("addresses"), output);
    }

    @Test
    void anIpv6ListenerTheUserNamedStillFails() throws Exception {
        Cmd.Result r = host.run(null, WAIT, NamespacedProxy.command("--listen", "[::1]:1324"));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("cannot listen on [::1]:1324"), r.toString());
    }
}
