package org.bip324proxy.testsupport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.crypto.EllSwiftKeyPair;
import org.bip324proxy.v2.MessageTypes;
import org.bip324proxy.v2.PacketCipher;
import org.bip324proxy.v2.SessionKeys;
import org.bip324proxy.v2.V2Transport;

/**
 * The far side of a BIP324 connection, played step by step from a raw {@link PacketCipher}
 * instead of a second {@code V2Transport}, so a test can send what no correct implementation would:
 * oversized garbage, a missing terminator, decoys anywhere, version packets with contents, damaged
 * bytes (BIP324, "Handshake" and "Packet encryption"). The test schedules bytes with the
 * {@code send…} methods, hands them over with {@link #takeScheduled}, and checks what the other side
 * sent with the {@code receive…} methods after feeding it in with {@link #received}.
 *
 * <p>Not a protocol implementation: nothing is checked that the test does not ask to check.
 */
public final class ScriptedBip324Peer {
    /** A decoded application message: v1 command and payload. */
    public record Message(String command, byte[] payload) {
        @Override
        public String toString() {
            return command + "(" + payload.length + " bytes)";
        }
    }

    private final byte[] magic;
    private final boolean initiator;
    private final EllSwiftKeyPair key;
    private final SecureRandom rng;
    private PacketCipher cipher;

    private final ByteArrayOutputStream scheduled = new ByteArrayOutputStream();
    private byte[] sentGarbage = new byte[0];
    private boolean sentFirstPacket;

    private byte[] inbox = new byte[0];
    private int inboxPos;
    private byte[] receivedGarbage;
    private boolean receivedFirstPacket;
    /** Contents length of a packet whose length field was decrypted but whose body is incomplete. */
    private int pendingLength = -1;
    private long decoysReceived;

    /**
     * @param initiator whether this side opened the connection (the proxy's outbound sessions talk
     *     to a responder, so this is usually false)
     */
    public ScriptedBip324Peer(byte[] networkMagic, boolean initiator, SecureRandom rng) {
        this.magic = networkMagic.clone();
        this.initiator = initiator;
        this.rng = rng;
        this.key = EllSwiftKeyPair.generate(rng);
    }

    // ---- what this side sends ---------------------------------------------------------------

    /** Schedules raw bytes. */
    public ScriptedBip324Peer send(byte[] bytes) {
        scheduled.writeBytes(bytes);
        return this;
    }

    /** Schedules our 64-byte ElligatorSwift key. */
    public ScriptedBip324Peer sendKey() {
        return send(key.encoding());
    }

    /** Schedules {@code garbage}; it becomes the AAD of our first packet. Any length, even illegal ones. */
    public ScriptedBip324Peer sendGarbage(byte[] garbage) {
        sentGarbage = garbage.clone();
        return send(garbage);
    }

    /** Schedules {@code length} random garbage bytes. */
    public ScriptedBip324Peer sendGarbage(int length) {
        byte[] g = new byte[length];
        rng.nextBytes(g);
        return sendGarbage(g);
    }

    /** Schedules our garbage terminator (needs the other side's key: {@link #receiveKey}). */
    public ScriptedBip324Peer sendGarbageTerminator() {
        return send(cipher().sendGarbageTerminator());
    }

    /** Schedules our version packet with the given contents (BIP324 says they are ignored). */
    public ScriptedBip324Peer sendVersion(byte[] contents) {
        return sendPacket(contents, false);
    }

    /** Schedules an empty version packet. */
    public ScriptedBip324Peer sendVersion() {
        return sendVersion(new byte[0]);
    }

    /** Schedules a decoy packet (ignore bit set) of {@code length} random bytes. */
    public ScriptedBip324Peer sendDecoy(int length) {
        byte[] contents = new byte[length];
        rng.nextBytes(contents);
        return sendPacket(contents, true);
    }

    /** Schedules one packet; the first one carries our garbage as AAD, decoy or not. */
    public ScriptedBip324Peer sendPacket(byte[] contents, boolean decoy) {
        byte[] aad = sentFirstPacket ? new byte[0] : sentGarbage;
        sentFirstPacket = true;
        return send(cipher().encrypt(contents, 0, contents.length, aad, decoy));
    }

    /** Schedules an application message, with its short ID when it has one (BIP324, "v2 P2P message encoding"). */
    public ScriptedBip324Peer sendMessage(String command, byte[] payload) {
        return sendPacket(contents(command, payload), false);
    }

    /** Schedules an application message with the 12-byte long form even if a short ID exists. */
    public ScriptedBip324Peer sendLongFormMessage(String command, byte[] payload) {
        return sendPacket(longForm(command, payload), false);
    }

    /** The whole correct handshake answer after our key: terminator, {@code decoys} decoys, version packet. */
    public ScriptedBip324Peer sendHandshakeAfterKey(int decoys) {
        sendGarbageTerminator();
        for (int i = 0; i < decoys; i++) {
            sendDecoy(rng.nextInt(40));
        }
        return sendVersion();
    }

    /** Flips bits of the scheduled byte at {@code index} (negative: from the end). */
    public ScriptedBip324Peer damage(int index, int xor) {
        byte[] b = scheduled.toByteArray();
        int at = index >= 0 ? index : b.length + index;
        b[at] ^= (byte) xor;
        scheduled.reset();
        scheduled.writeBytes(b);
        return this;
    }

    /** The bytes scheduled so far, handed over (the schedule is emptied). */
    public byte[] takeScheduled() {
        byte[] b = scheduled.toByteArray();
        scheduled.reset();
        return b;
    }

    // ---- what the other side sent -------------------------------------------------------------

    /** Appends bytes the other side sent. */
    public void received(byte[] bytes) {
        byte[] rest = Arrays.copyOfRange(inbox, inboxPos, inbox.length);
        inbox = Arrays.copyOf(rest, rest.length + bytes.length);
        System.arraycopy(bytes, 0, inbox, rest.length, bytes.length);
        inboxPos = 0;
    }

    /** Received bytes not consumed yet. */
    public int available() {
        return inbox.length - inboxPos;
    }

    /** Consumes the other side's key and derives the session's ciphers from it. */
    public byte[] receiveKey() {
        byte[] theirs = take(V2Transport.KEY_LEN);
        byte[] secret = key.v2EcdhSecret(theirs, initiator);
        cipher = new PacketCipher(SessionKeys.derive(secret, magic), initiator, AeadBackend.JDK);
        return theirs;
    }

    /** Consumes garbage up to and including the terminator; returns the garbage. */
    public byte[] receiveGarbage() {
        byte[] terminator = cipher().recvGarbageTerminator();
        for (int len = 0; len <= V2Transport.MAX_GARBAGE_LEN; len++) {
            require(len + terminator.length);
            if (Arrays.equals(inbox, inboxPos + len, inboxPos + len + terminator.length, terminator, 0, terminator.length)) {
                receivedGarbage = take(len);
                take(terminator.length);
                return receivedGarbage;
            }
        }
        throw new AssertionError("no garbage terminator within " + V2Transport.MAX_GARBAGE_LEN + " bytes of garbage");
    }

    /** Consumes the other side's version packet (decoys before it are skipped) and returns its contents. */
    public byte[] receiveVersion() {
        return receivePacket();
    }

    /** Consumes the next non-decoy packet; fails if it is not complete or not authentic. */
    public byte[] receivePacket() {
        return pollPacket().orElseThrow(() -> new AssertionError("no complete packet received (" + available() + " bytes)"));
    }

    /** The next non-decoy packet, or empty while it is incomplete. */
    public Optional<byte[]> pollPacket() {
        while (true) {
            if (pendingLength < 0) {
                if (available() < PacketCipher.LENGTH_LEN) {
                    return Optional.empty();
                }
                pendingLength = cipher().decryptLength(inbox, inboxPos);
                inboxPos += PacketCipher.LENGTH_LEN;
            }
            int body = PacketCipher.HEADER_LEN + pendingLength + PacketCipher.TAG_LEN;
            if (available() < body) {
                return Optional.empty();
            }
            byte[] aad = receivedFirstPacket ? new byte[0] : receivedGarbage;
            receivedFirstPacket = true;
            int header = cipher().decryptInPlace(inbox, inboxPos, pendingLength, aad);
            if (header < 0) {
                throw new AssertionError("packet failed authentication");
            }
            byte[] contents = Arrays.copyOfRange(inbox, inboxPos + PacketCipher.HEADER_LEN,
                    inboxPos + PacketCipher.HEADER_LEN + pendingLength);
            inboxPos += body;
            pendingLength = -1;
            if ((header & PacketCipher.IGNORE_BIT) == 0) {
                return Optional.of(contents);
            }
            decoysReceived++;
        }
    }

    /** Consumes the next application message. */
    public Message receiveMessage() {
        return decode(receivePacket());
    }

    /** The next application message, or empty while it is incomplete. */
    public Optional<Message> pollMessage() {
        return pollPacket().map(ScriptedBip324Peer::decode);
    }

    public long decoysReceived() {
        return decoysReceived;
    }

    /** The session id this side derived (after {@link #receiveKey}). */
    public byte[] sessionId() {
        return cipher().sessionId();
    }

    /** Packet contents for a message: short ID ‖ payload, or 0 ‖ 12-byte command ‖ payload. */
    public static byte[] contents(String command, byte[] payload) {
        int id = MessageTypes.shortId(command);
        if (id == 0) {
            return longForm(command, payload);
        }
        byte[] c = new byte[1 + payload.length];
        c[0] = (byte) id;
        System.arraycopy(payload, 0, c, 1, payload.length);
        return c;
    }

    private static byte[] longForm(String command, byte[] payload) {
        byte[] c = new byte[MessageTypes.LONG_FORM_LEN + payload.length];
        byte[] ascii = command.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ascii, 0, c, 1, ascii.length);
        System.arraycopy(payload, 0, c, MessageTypes.LONG_FORM_LEN, payload.length);
        return c;
    }

    private static Message decode(byte[] contents) {
        if (contents.length == 0) {
            throw new AssertionError("empty application packet");
        }
        int id = contents[0] & 0xff;
        if (id != 0) {
            return new Message(MessageTypes.command(id), Arrays.copyOfRange(contents, 1, contents.length));
        }
        int end = 1;
        while (end < MessageTypes.LONG_FORM_LEN && contents[end] != 0) {
            end++;
        }
        return new Message(new String(contents, 1, end - 1, StandardCharsets.US_ASCII),
                Arrays.copyOfRange(contents, MessageTypes.LONG_FORM_LEN, contents.length));
    }

    private PacketCipher cipher() {
        if (cipher == null) {
            throw new IllegalStateException("no key received yet: call receiveKey() first");
        }
        return cipher;
    }

    private void require(int n) {
        if (available() < n) {
            throw new AssertionError("expected " + n + " bytes from the other side, have " + available());
        }
    }

    private byte[] take(int n) {
        require(n);
        byte[] b = Arrays.copyOfRange(inbox, inboxPos, inboxPos + n);
        inboxPos += n;
        return b;
    }
}
