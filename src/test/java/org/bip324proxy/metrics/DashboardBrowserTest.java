package org.bip324proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bip324proxy.engine.ConnectionSnapshot;
import org.bip324proxy.engine.ProxySnapshot;
import org.bip324proxy.http.HttpListener;
import org.bip324proxy.relay.Destination;
import org.bip324proxy.relay.RelaySession;
import org.bip324proxy.relay.TrafficStats;
import org.bip324proxy.testsupport.HeadlessChromium;
import org.bip324proxy.testsupport.InProcessProxy;
import org.bip324proxy.testsupport.Snapshots;
import org.bip324proxy.testsupport.V1EchoPeer;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.testsupport.V2EchoPeer;
import org.bip324proxy.v1.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser (Debian's chromium, headless): a live BIP324 session through
 * the proxy shows with its session id and byte counts, the counts move after more traffic, a
 * refused fallback shows its reason, and a peer-controlled string stays text.
 */
@Tag("system")
class DashboardBrowserTest {
    private static final Duration BUDGET = Duration.ofSeconds(4);
    private static final byte[] NONCE = {9, 8, 7, 6, 5, 4, 3, 2};
    /** A destination as a SOCKS5 client could name it (a domain name is any bytes): markup must arrive as text. */
    private static final String MARKUP = "<img id=\"pwned\" src=x onerror=\"document.title='pwned'\">";

    @Test
    void showsALiveSessionItsBytesARefusalAndMarkupAsText() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.require();
        try (V2EchoPeer peer = new V2EchoPeer(V2EchoPeer.Options.of(Network.MAINNET.magic()));
                V1EchoPeer v1Only = new V1EchoPeer(Network.MAINNET, V1EchoPeer.OnForeignBytes.CLOSE);
                InProcessProxy proxy = new InProcessProxy();
                MetricsServer metrics = new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false,
                        HttpListener.Limits.DEFAULT, () -> withHostileConnection(proxy.snapshot()), proxy.log());
                V1TestClient client = proxy.connectAndPing(peer,
                        V1TestClient.versionPayload(peer.address(), "/dash:1.0/"), NONCE)) {
            // the in-process proxy requires v2: a v1-only peer is a refused fallback
            try (V1TestClient refused = new V1TestClient(proxy.address(), Network.MAINNET, Duration.ofSeconds(60))) {
                refused.send("version", V1TestClient.versionPayload(v1Only.address(), "/dash:1.0/"));
                assertTrue(refused.closedByProxy(), proxy.logText());
            }
            String url = "http://127.0.0.1:" + metrics.port() + "/";
            String sessionId = peer.sessionIds().get(0);

            String dom = chromium.dumpDom(url, BUDGET);
            assertTrue(dom.contains(sessionId), "the session id the peer derived is shown:\n" + dom);
            long before = cell(dom, sessionId, "v2out");
            assertTrue(before > 0 && cell(dom, sessionId, "v1in") > 0 && cell(dom, sessionId, "v2in") > 0, dom);
            assertTrue(Pattern.compile("<td class=\"reason\">require_v2</td>\\s*<td class=\"n\">1</td>").matcher(dom).find(),
                    "the refusal reason and its count:\n" + dom);

            assertTrue(dom.contains("&lt;img id=\"pwned\""), "markup is shown as text:\n" + dom);
            assertFalse(dom.contains("<img id=\"pwned\""), "markup never becomes an element");
            assertFalse(dom.contains("<title>pwned"), "no script ran");

            client.send("ping", NONCE);
            assertEquals("pong", client.receive().command());
            long after = cell(chromium.dumpDom(url, BUDGET), sessionId, "v2out");
            assertTrue(after > before, "bytes to the peer grew from " + before + " to " + after);

            Path screenshot = Path.of("target", "dashboard-test.png");
            chromium.screenshot(url, BUDGET, screenshot, 1280, 900);
        }
    }

    /** The number in the row with this session id, in the cell of this class. */
    private static long cell(String dom, String sessionId, String column) {
        int row = dom.indexOf(sessionId);
        int end = dom.indexOf("</tr>", row);
        Matcher m = Pattern.compile("<td class=\"n " + column + "\">(\\d+)</td>").matcher(dom.substring(row, end));
        assertTrue(m.find(), "no " + column + " cell in the session's row:\n" + dom.substring(row, end));
        return Long.parseLong(m.group(1));
    }

    private static ProxySnapshot withHostileConnection(ProxySnapshot s) {
        List<ConnectionSnapshot> connections = new ArrayList<>(s.connections());
        connections.add(Snapshots.relaying(999_999, RelaySession.Direction.OUTBOUND, new InetSocketAddress("127.0.0.1", 1),
                new Destination(InetSocketAddress.createUnresolved(MARKUP, 8333), Destination.Source.SOCKS5), OptionalLong.empty(),
                TrafficStats.ZERO));
        return new ProxySnapshot(s.uptimeMillis(), s.listen(), connections, s.total(), s.opened(), s.closedByCause(),
                s.handshakes(), s.handshakeNanos(), s.fallback());
    }
}
