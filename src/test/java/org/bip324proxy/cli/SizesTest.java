package org.bip324proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.bip324proxy.engine.EngineConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

@Tag("fast")
class SizesTest {
    private final Sizes sizes = new Sizes();

    @Test
    void acceptsBytesAndBinarySuffixes() {
        assertEquals(65536, sizes.convert("65536"));
        assertEquals(64 << 10, sizes.convert("64K"));
        assertEquals(4 << 20, sizes.convert("4M"));
        assertEquals(4 << 20, sizes.convert("4MiB"));
        assertEquals(1 << 30, sizes.convert("1g"));
    }

    @Test
    void theDefaultBufferLimitIsTheEngineDefault() {
        assertEquals(EngineConfig.DEFAULT_QUEUE_HIGH_WATERMARK, sizes.convert(LimitOptions.DEFAULT_BUFFER_LIMIT));
    }

    @Test
    void rejectsOtherFormsAndOutOfRange() {
        for (String bad : new String[] {"", "4 X", "-1", "1.5M", "1T", "1023", "1025M", "99999999999"}) {
            assertThrows(TypeConversionException.class, () -> sizes.convert(bad), bad);
        }
    }
}
