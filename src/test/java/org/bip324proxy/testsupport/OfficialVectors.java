package org.bip324proxy.testsupport;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the official BIP324 CSV test vectors from {@code ../shared/bip324-vectors} (overridable with
 * the system property {@code bip324.vectors.dir}). The files are never copied into this repository.
 * Under {@code CI=true} a missing file fails the test; elsewhere the test is skipped.
 */
public final class OfficialVectors {
    private OfficialVectors() {}

    /** One CSV row, addressed by column name. */
    public record Row(int line, Map<String, String> columns) {
        public String get(String column) {
            String value = columns.get(column);
            if (value == null) {
                throw new IllegalArgumentException("no column " + column + " on line " + line);
            }
            return value;
        }
    }

    public static List<Row> load(String fileName) {
        Path dir = Path.of(System.getProperty("bip324.vectors.dir", "../shared/bip324-vectors"));
        Path file = dir.resolve(fileName);
        if (!Files.isRegularFile(file)) {
            String message = "official BIP324 vectors not found at " + file.toAbsolutePath()
                    + " (set -Dbip324.vectors.dir=DIR)";
            if ("true".equals(System.getenv("CI"))) {
                fail(message);
            }
            assumeTrue(false, message);
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
            String[] header = lines.get(0).split(",", -1);
            List<Row> rows = new ArrayList<>();
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                String[] cells = lines.get(i).split(",", -1);
                if (cells.length != header.length) {
                    fail(file + ":" + (i + 1) + ": expected " + header.length + " cells, got "
                            + cells.length + ": " + Arrays.toString(cells));
                }
                Map<String, String> columns = new HashMap<>();
                for (int c = 0; c < header.length; c++) {
                    columns.put(header[c], cells[c]);
                }
                rows.add(new Row(i + 1, columns));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
