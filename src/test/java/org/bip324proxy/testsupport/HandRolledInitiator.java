package org.bip324proxy.testsupport;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bip324proxy.crypto.AeadBackend;
import org.bip324proxy.crypto.EllSwift;
import org.bip324proxy.crypto.EllSwiftKeyPair;
import org.bip324proxy.v2.PacketCipher;
import org.bip324proxy.v2.SessionKeys;
import org.bouncycastle.crypto.ec.CustomNamedCurves;

/**
 * A BIP324 initiator built directly on {@link PacketCipher}, so a test chooses everything a
 * stranger could: a key whose encoding begins with chosen bytes, its garbage, decoys before its
 * version packet, a wrong terminator or a tampered packet. It reads a responder's answer when it
 * knows the responder's garbage length.
 */
public final class HandRolledInitiator {
    private static final byte[] NO_AAD = new byte[0];

    private final byte[] magic;
    private final EllSwiftKeyPair key;
    private final byte[] garbage;
    private PacketCipher cipher;
    private boolean firstSent;
    private int responderGarbageLength = -1;
    private byte[] responderGarbage;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private int receivedPos;
    private boolean firstReceive;
    private int pendingLength = -1;

    public HandRolledInitiator(byte[] magic, EllSwiftKeyPair key, byte[] garbage) {
        this.magic = magic.clone();
        this.key = key;
        this.garbage = garbage.clone();
    }

    public HandRolledInitiator(byte[] magic, int garbageLength) {
        this(magic, EllSwiftKeyPair.generate(new SecureRandom()), random(garbageLength));
    }

    /**
     * A fresh key whose 64-byte encoding begins with {@code prefix} (at most 32 bytes, the start of
     * ElligatorSwift's u, which must stay below p): u is chosen, t solved for with XSwiftECInv.
     */
    public static EllSwiftKeyPair keyStartingWith(byte[] prefix) {
        SecureRandom rng = new SecureRandom();
        var curve = CustomNamedCurves.getByName("secp256k1");
        while (true) {
            byte[] priv = new byte[32];
            rng.nextBytes(priv);
            BigInteger k = new BigInteger(1, priv);
            if (k.signum() == 0 || k.compareTo(curve.getN()) >= 0) {
                continue;
            }
            byte[] x = curve.getG().multiply(k).normalize().getAffineXCoord().getEncoded();
            for (int attempt = 0; attempt < 64; attempt++) {
                byte[] u = new byte[32];
                rng.nextBytes(u);
                System.arraycopy(prefix, 0, u, 0, prefix.length);
                byte[] t = EllSwift.xswiftecInv(x, u, attempt % 8);
                if (t != null) {
                    byte[] encoding = new byte[64];
                    System.arraycopy(u, 0, encoding, 0, 32);
                    System.arraycopy(t, 0, encoding, 32, 32);
                    return EllSwiftKeyPair.of(priv, encoding);
                }
            }
        }
    }

    /** Key and garbage: what the initiator sends first. */
    public byte[] hello() {
        return concat(key.encoding(), garbage);
    }

    /** Derives the keys from the responder's key; its garbage will be {@code responderGarbageLen} bytes. */
    public void onResponderKey(byte[] responderKey, int responderGarbageLen) {
        byte[] secret = key.v2EcdhSecret(responderKey, true);
        cipher = new PacketCipher(SessionKeys.derive(secret, magic), true, AeadBackend.JDK);
        responderGarbageLength = responderGarbageLen;
    }

    public byte[] sessionId() {
        return cipher.sessionId();
    }

    public byte[] terminator() {
        return cipher.sendGarbageTerminator();
    }

    /** One packet; the first one sent carries our garbage as associated data (BIP324). */
    public byte[] packet(byte[] contents, boolean decoy) {
        byte[] aad = firstSent ? NO_AAD : garbage;
        firstSent = true;
        return cipher.encrypt(contents, 0, contents.length, aad, decoy);
    }

    /** A v1 message as packet contents: a short ID or 0 ‖ 12-byte command, then the payload. */
    public static byte[] contents(int shortId, byte[] payload) {
        return concat(new byte[] {(byte) shortId}, payload);
    }

    public static byte[] longFormContents(String command, byte[] payload) {
        byte[] type = new byte[13];
        byte[] c = command.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(c, 0, type, 1, c.length);
        return concat(type, payload);
    }

    /**
     * Adds bytes from the responder and returns the contents of the packets completed so far
     * (version packet and decoys included, in order; decoys are flagged by a leading header byte).
     * The first call's bytes must start with the responder's key.
     */
    public List<Packet> receive(byte[] bytes) {
        received.writeBytes(bytes);
        byte[] all = received.toByteArray();
        List<Packet> out = new ArrayList<>();
        if (responderGarbage == null) {
            int need = 64 + responderGarbageLength + 16;
            if (all.length < need) {
                return out;
            }
            responderGarbage = Arrays.copyOfRange(all, 64, 64 + responderGarbageLength);
            byte[] term = Arrays.copyOfRange(all, 64 + responderGarbageLength, need);
            if (!Arrays.equals(term, cipher.recvGarbageTerminator())) {
                throw new AssertionError("responder's garbage terminator is wrong");
            }
            receivedPos = need;
            firstReceive = true;
        }
        while (all.length - receivedPos >= PacketCipher.LENGTH_LEN) {
            if (pendingLength < 0) {
                pendingLength = cipher.decryptLength(all, receivedPos);
            }
            int total = PacketCipher.EXPANSION + pendingLength;
            if (all.length - receivedPos < total) {
                break;
            }
            byte[] aad = firstReceive ? responderGarbage : NO_AAD;
            firstReceive = false;
            int header = cipher.decryptInPlace(all, receivedPos + PacketCipher.LENGTH_LEN, pendingLength, aad);
            if (header < 0) {
                throw new AssertionError("responder's packet failed authentication");
            }
            int off = receivedPos + PacketCipher.LENGTH_LEN + PacketCipher.HEADER_LEN;
            out.add(new Packet((header & PacketCipher.IGNORE_BIT) != 0, Arrays.copyOfRange(all, off, off + pendingLength)));
            receivedPos += total;
            pendingLength = -1;
        }
        return out;
    }

    /** A decrypted packet from the responder. */
    public record Packet(boolean decoy, byte[] contents) {}

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
