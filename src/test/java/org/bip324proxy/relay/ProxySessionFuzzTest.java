package org.bip324proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bip324proxy.testsupport.ScriptedBip324Peer;
import org.bip324proxy.testsupport.SessionDriver;
import org.bip324proxy.testsupport.V1TestClient;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameEncoder;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v1.V1Protocol;
import org.bip324proxy.v2.V2Transport;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes a whole outbound {@link ProxySession} through {@link SessionDriver}: the input scripts the
 * v1 client, the engine (connect results, errors, EOFs, the clock) and the BIP324 peer (a correct
 * handshake with fuzzed garbage and decoys, correct messages, raw or damaged bytes), in fuzzed
 * chunk sizes. Regression inputs live in
 * {@code src/test/resources/org/bip324proxy/relay/ProxySessionFuzzTestInputs/}.
 *
 * <p>Invariants: no exception escapes the session; phases change only as the table in
 * {@link ProxySession} allows; the session is closed exactly when its phase is CLOSED, and a close
 * without a reason happens only after both sides' EOF; it connects at most twice (a v1 fallback)
 * and never sends a peer anything before it connected; what it holds stays bounded by what it was
 * sent; and a script of only correct steps that completes the handshake relays every message, in
 * order and byte-exact, both ways.
 */
@Tag("system")
class ProxySessionFuzzTest {
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8333);
    private static final Network NET = Network.MAINNET;
    private static final V1FrameEncoder V1 = new V1FrameEncoder(NET);
    private static final String[] COMMANDS = {"ping", "inv", "tx", "sendheaders", "addrv2", "wtxidrelay", "version"};
    private static final Map<Phase, Set<Phase>> ALLOWED = Map.of(
            // One event may pass through CONNECTING when the peer was connected before the first message.
            Phase.FIRST_MESSAGE, EnumSet.of(Phase.CONNECTING, Phase.HANDSHAKE,
                    Phase.RELAY, Phase.CLOSED),
            Phase.CONNECTING, EnumSet.of(Phase.FIRST_MESSAGE, Phase.HANDSHAKE,
                    Phase.RELAY, Phase.CLOSED),
            Phase.HANDSHAKE, EnumSet.of(Phase.RELAY, Phase.CONNECTING,
                    Phase.CLOSED),
            Phase.RELAY, EnumSet.of(Phase.CLOSED),
            Phase.CLOSED, EnumSet.noneOf(Phase.class));

    @FuzzTest(maxDuration = "5m")
    void sessionKeepsItsInvariantsUnderAnyScript(FuzzedDataProvider data) {
        V1FallbackPolicy.Mode mode = V1FallbackPolicy.Mode.values()[data.consumeInt(0, 2)];
        boolean redirected = data.consumeBoolean();
        SessionDriver.Builder b = SessionDriver.builder()
                .v1Fallback(new V1FallbackPolicy(mode, new KnownV2Peers(4)))
                .maxChunk(data.consumeInt(1, 4096)).seed(7);
        if (redirected) {
            b.redirectedTo(PEER);
        }
        SessionDriver d = b.build();

        boolean clean = true;
        long fed = 0;
        List<String> clientSent = new ArrayList<>();
        List<String> peerSent = new ArrayList<>();
        ScriptedBip324Peer peer = null;
        boolean handshakeAnswered = false;
        boolean clientEof = false;
        boolean peerEof = false;
        if (data.consumeBoolean()) {
            byte[] v = V1.frame("version", V1TestClient.versionPayload(PEER, "/fuzz:1.0/"));
            d.clientSends(v);
            fed += v.length;
            clientSent.add("version");
        }
        int steps = data.consumeInt(0, 24);
        for (int i = 0; i < steps && !d.closed() && data.remainingBytes() > 0; i++) {
            int connectsBefore = d.connects().size();
            switch (data.consumeInt(0, 11)) {
                case 0, 1 -> {
                    if (d.awaitingConnect()) {
                        d.peerConnected();
                        peer = null;
                        handshakeAnswered = false;
                    }
                }
                case 2 -> {
                    if (d.awaitingConnect()) {
                        clean = false;
                        d.peerConnectFailed("fuzzed failure");
                    }
                }
                case 3, 4 -> {
                    if (!clientEof) {
                        String command = COMMANDS[data.consumeInt(0, COMMANDS.length - 1)];
                        byte[] frame = V1.frame(command, data.consumeBytes(data.consumeInt(0, 300)));
                        d.clientSends(frame);
                        fed += frame.length;
                        clientSent.add(command);
                    }
                }
                case 5 -> {
                    if (!clientEof) {
                        clean = false;
                        byte[] raw = data.consumeBytes(data.consumeInt(0, 200));
                        d.clientSends(raw);
                        fed += raw.length;
                    }
                }
                case 6 -> {
                    if (d.peerOpen() && !peerEof && !handshakeAnswered && d.session().transport().orElse(null)
                            == Transport.V2) {
                        peer = d.v2Peer(NET);
                        if (peer.available() >= V2Transport.KEY_LEN) {
                            peer.receiveKey();
                            peer.sendKey().sendGarbage(data.consumeInt(0, V2Transport.MAX_GARBAGE_LEN))
                                    .sendHandshakeAfterKey(data.consumeInt(0, 2));
                            byte[] answer = peer.takeScheduled();
                            fed += answer.length;
                            d.peerSends(answer);
                            handshakeAnswered = true;
                            peer.receiveGarbage();
                            peer.receiveVersion();
                        }
                    }
                }
                case 7 -> {
                    if (handshakeAnswered && !peerEof && d.peerOpen()) {
                        String command = COMMANDS[data.consumeInt(0, COMMANDS.length - 2)];
                        byte[] packet = peer.sendMessage(command, data.consumeBytes(data.consumeInt(0, 300))).takeScheduled();
                        if (data.consumeBoolean()) {
                            clean = false;
                            packet[data.consumeInt(0, packet.length - 1)] ^= (byte) data.consumeInt(1, 255);
                        } else {
                            peerSent.add(command);
                        }
                        fed += packet.length;
                        d.peerSends(packet);
                    }
                }
                case 8 -> {
                    if (d.peerOpen() && !peerEof) {
                        clean = false;
                        byte[] raw = data.consumeBytes(data.consumeInt(0, 200));
                        fed += raw.length;
                        d.peerSends(raw);
                    }
                }
                case 9 -> {
                    clean = false;
                    if (data.consumeBoolean() && !clientEof) {
                        clientEof = true;
                        d.clientEof();
                    } else if (d.peerOpen() && !peerEof) {
                        peerEof = true;
                        d.peerEof();
                    }
                }
                case 10 -> {
                    clean = false;
                    boolean peerSide = data.consumeBoolean();
                    if (!peerSide || d.peerOpen()) {
                        d.error(peerSide, "fuzzed error");
                    }
                }
                case 11 -> {
                    clean = false;
                    d.advance(Duration.ofMillis(data.consumeLong(0, 700_000)));
                }
                default -> throw new AssertionError();
            }
            if (d.connects().size() > connectsBefore) {
                peer = null; // a reconnection (v1 fallback): the BIP324 peer is gone
                handshakeAnswered = false;
                peerEof = false;
            }
            checkInvariants(d, fed);
        }

        if (clean && handshakeAnswered && d.phase() == Phase.RELAY) {
            List<String> atPeer = new ArrayList<>();
            for (var m = peer.pollMessage(); m.isPresent(); m = peer.pollMessage()) {
                atPeer.add(m.get().command());
            }
            assertEquals(clientSent, atPeer, "client messages relayed in order");
            assertEquals(peerSent, d.clientMessages(NET).stream().map(V1Message::command).toList(),
                    "peer messages relayed in order");
        }
    }

    private static void checkInvariants(SessionDriver d, long fed) {
        List<Phase> phases = d.phases();
        for (int i = 1; i < phases.size(); i++) {
            assertTrue(ALLOWED.get(phases.get(i - 1)).contains(phases.get(i)), "phase change " + phases);
        }
        assertEquals(d.phase() == Phase.CLOSED, d.closed(), "closed exactly in phase CLOSED");
        if (d.closed()) {
            assertFalse(d.session().wantsClientBytes() || d.session().wantsPeerBytes());
        }
        assertTrue(d.connects().size() <= 2, "connects " + d.connects());
        long bound = 2 * fed + 2L * V2Transport.INITIAL_PACKET_ALLOCATION + V1Protocol.HEADER_SIZE
                + SessionSettings.DEFAULT_MAX_VERSION_SIZE + 64 * 1024;
        assertTrue(d.session().bufferedBytes() <= bound, "holds " + d.session().bufferedBytes() + " after " + fed + " bytes");
    }
}
