package org.bip324proxy.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

@Tag("fast")
class OfficialVectorsTest {
    @Test
    void aMissingVectorFileFailsInsteadOfSkipping() {
        AssertionFailedError error = assertThrows(AssertionFailedError.class,
                () -> OfficialVectors.load("no_such_vectors.csv"));
        assertTrue(error.getMessage().contains("/bip324-vectors/no_such_vectors.csv"), error.getMessage());
    }

    @Test
    void theShippedFilesHaveAllOfficialRows() {
        assertEquals(76, OfficialVectors.load("ellswift_decode_test_vectors.csv").size());
        assertEquals(32, OfficialVectors.load("xswiftec_inv_test_vectors.csv").size());
        assertEquals(7, OfficialVectors.load("packet_encoding_test_vectors.csv").size());
    }
}
