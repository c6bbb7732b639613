package org.bip324proxy.relay;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bip324proxy.bytes.Endian;
import org.bip324proxy.v1.Network;
import org.bip324proxy.v1.V1FrameDecoder;
import org.bip324proxy.v1.V1Message;
import org.bip324proxy.v1.V1Protocol;
import org.bip324proxy.v1.V1ProtocolException;
import org.bip324proxy.v1.V1Sniffer;
import org.bip324proxy.v1.VersionMessage;

/**
 * An outbound session's first phase: sniffs the client's first bytes, reads its VERSION, and so
 * chooses the transport and the destination. Not v1 → passthrough to the redirect's destination;
 * v1 → its first message must be VERSION of an accepted network, and the destination is the
 * redirect's or VERSION's addr_recv, as the destination mode says. The decoder is created once and
 * keeps its partial state, so a client dripping its VERSION byte by byte costs constant work per
 * byte; the announced length is checked against {@code maxVersionSize} before any payload is
 * buffered. What arrives after VERSION in the read that completed it (the engine reads no more
 * until the transport starts) is held for the relay.
 */
final class FirstMessagePhase {
    /** What the bytes so far are. */
    sealed interface Result {
    }

    /** The sniffer or VERSION needs more bytes. */
    record NeedMore() implements Result {
    }

    /** The transport and the destination are chosen. */
    record Chosen(Transport transport, Destination destination) implements Result {
    }

    /** The first message is refused: the session closes with this cause. */
    record Refused(CloseCause cause) implements Result {
    }

    private static final byte[] VERSION_COMMAND = Arrays.copyOf(
            VersionMessage.COMMAND.getBytes(StandardCharsets.US_ASCII), V1Protocol.COMMAND_SIZE);

    private final SessionSettings settings;
    private final Optional<Destination> redirectDestination;
    /** Connected to the redirect's destination before the first message (SOCKS5). */
    private boolean connectedEarly;
    private byte[] versionPayload;
    /** The first bytes until the sniffer's verdict, then what followed VERSION. */
    private HeldBytes held = new HeldBytes(V1Sniffer.BYTES_FOR_VERDICT);
    private V1FrameDecoder decoder;
    private Network network;

    /** @param redirectDestination where the client was going, if known (not the proxy itself) */
    FirstMessagePhase(SessionSettings settings, Optional<Destination> redirectDestination) {
        this.settings = settings;
        this.redirectDestination = redirectDestination;
    }

    /** Connecting before the first message (SOCKS5): to the redirect's destination, which then stays. */
    Destination connectEarly(Phase phase) {
        if (phase != Phase.FIRST_MESSAGE || redirectDestination.isEmpty()) {
            throw new IllegalStateException("no known destination to connect to in phase " + phase);
        }
        connectedEarly = true;
        return redirectDestination.get();
    }

    /** Takes all of {@code in}. */
    Result read(ByteBuffer in) {
        if (decoder != null) {
            return readVersion(in);
        }
        held.append(in);
        V1Sniffer.Result sniff = V1Sniffer.sniff(held.view());
        return switch (sniff.verdict()) {
            case NEED_MORE -> new NeedMore();
            case NOT_V1 -> redirectDestination.<Result>map(d -> new Chosen(Transport.PASSTHROUGH, d))
                    .orElseGet(() -> new Refused(new CloseCause.NoDestination(
                            CloseCause.NoDestination.Why.NOT_V1_AND_NOT_REDIRECTED, sniff.reason())));
            case V1 -> startVersion(sniff.network().orElseThrow());
        };
    }

    /** The sniffed header is v1: check network, command and size, then decode what is held. */
    private Result startVersion(Network detected) {
        Optional<Network> accepted = settings.networks().stream().filter(n -> Arrays.equals(n.magic(), detected.magic())).findFirst();
        if (accepted.isEmpty()) {
            String names = settings.networks().stream().map(Network::name).collect(Collectors.joining(", "));
            return new Refused(new CloseCause.NetworkNotAccepted(detected.magicHex(), detected.name(), names));
        }
        network = accepted.get();
        ByteBuffer header = held.view();
        if (!Arrays.equals(header.array(), V1Protocol.COMMAND_OFFSET, V1Protocol.COMMAND_OFFSET + V1Protocol.COMMAND_SIZE,
                VERSION_COMMAND, 0, VERSION_COMMAND.length)) {
            return new Refused(new CloseCause.NotVersion(V1Protocol.parseCommand(header.array(), V1Protocol.COMMAND_OFFSET)));
        }
        long announced = Integer.toUnsignedLong(Endian.le32(header.array(), V1Protocol.LENGTH_OFFSET));
        if (announced > settings.maxVersionSize()) {
            return new Refused(new CloseCause.VersionTooLarge(announced, settings.maxVersionSize()));
        }
        decoder = new V1FrameDecoder(network, V1ToV2.HEADROOM, V1ToV2.TAILROOM);
        held = new HeldBytes(0);
        return readVersion(header);
    }

    /** Feeds {@code in} to the decoder; once VERSION is complete, what follows it is held. */
    private Result readVersion(ByteBuffer in) {
        VersionMessage version;
        try {
            V1Message message = decoder.next(in);
            if (message == null) {
                return new NeedMore();
            }
            version = VersionMessage.parse(message);
        } catch (V1ProtocolException e) {
            return new Refused(CloseCause.V1ProtocolError.of(CloseCause.Party.CLIENT, e, true));
        }
        held.append(in);
        decoder.deferChecksumsFrom(ProxySession.DEFER_CHECKSUMS_FROM);
        versionPayload = settings.userAgentSuffix()
                .map(suffix -> version.appendUserAgentSuffix(suffix).payload())
                .orElseGet(version::payload);
        return chooseDestination(version);
    }

    private Result chooseDestination(VersionMessage version) {
        SessionSettings.DestinationMode mode = settings.destinationMode();
        if (connectedEarly || mode != SessionSettings.DestinationMode.ADDR_RECV && redirectDestination.isPresent()) {
            return new Chosen(Transport.V2, redirectDestination.orElseThrow());
        }
        if (mode == SessionSettings.DestinationMode.ORIGINAL_DST || mode == SessionSettings.DestinationMode.TPROXY) {
            return new Refused(new CloseCause.NoDestination(CloseCause.NoDestination.Why.NOT_REDIRECTED, mode.cliName()));
        }
        Optional<InetSocketAddress> addrRecv = version.addrRecv();
        if (addrRecv.isEmpty()) {
            return new Refused(new CloseCause.NoDestination(CloseCause.NoDestination.Why.EMPTY_ADDR_RECV, ""));
        }
        return new Chosen(Transport.V2, new Destination(addrRecv.get(), Destination.Source.ADDR_RECV));
    }

    /** The client's VERSION payload to send (user agent suffix appended, if set). */
    byte[] versionPayload() {
        return versionPayload;
    }

    /** The client's VERSION as a message with room to be encrypted in place ({@link V1ToV2}). */
    V1Message versionForV2() {
        byte[] framed = new byte[V1ToV2.HEADROOM + versionPayload.length + V1ToV2.TAILROOM];
        System.arraycopy(versionPayload, 0, framed, V1ToV2.HEADROOM, versionPayload.length);
        return new V1Message(VersionMessage.COMMAND, framed, V1ToV2.HEADROOM, versionPayload.length);
    }

    /** Client bytes while the peer is dialled (the engine should not read then; they are kept anyway). */
    void hold(ByteBuffer in) {
        held.append(in);
    }

    /** The bytes held so far, for the relay. */
    HeldBytes held() {
        return held;
    }

    /** The client's decoder, once its first bytes were v1; it goes on decoding after VERSION. */
    V1FrameDecoder decoder() {
        return decoder;
    }

    /** The network of the client's v1 magic, once sniffed. */
    Optional<Network> network() {
        return Optional.ofNullable(network);
    }

    /** Heap held: the kept bytes and the partial VERSION. */
    long bufferedBytes() {
        return held.heldBytes() + (decoder == null ? 0 : decoder.bufferedBytes());
    }
}
