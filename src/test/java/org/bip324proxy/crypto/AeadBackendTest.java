package org.bip324proxy.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Which AEAD backend runs: the JDK's by default on every JDK, Bouncy Castle when asked for (--aead). */
@Tag("fast")
class AeadBackendTest {

    @Test
    void jdkBackendIsPreferredWhenThisJdkHasTheCipher() {
        assertTrue(JdkAead.isAvailable(), "every supported JDK ships ChaCha20-Poly1305");
        assertEquals(AeadBackend.JDK, AeadBackend.preferred());
    }

    @Test
    void namesParseWhateverTheirCase() {
        assertEquals(AeadBackend.BOUNCY_CASTLE, AeadBackend.parse("Bouncy-Castle"));
        assertEquals(AeadBackend.JDK, AeadBackend.parse(" jdk "));
    }

    @Test
    void unknownNameSaysWhatIsAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AeadBackend.parse("openssl"));
        assertEquals("unknown AEAD backend 'openssl': use jdk or bouncy-castle", e.getMessage());
    }
}
