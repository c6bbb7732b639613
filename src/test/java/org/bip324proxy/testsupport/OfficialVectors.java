package org.bip324proxy.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the official BIP324 CSV test vectors shipped on the test classpath under
 * {@code /bip324-vectors/} (see the README there for their source and licence). A missing file
 * fails the test: the vectors must run in every build.
 */
public final class OfficialVectors {
    static final String DIRECTORY = "/bip324-vectors/";

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
        String resource = DIRECTORY + fileName;
        try (InputStream in = OfficialVectors.class.getResourceAsStream(resource)) {
            if (in == null) {
                fail("official BIP324 vectors missing from the test classpath: " + resource
                        + " (src/test/resources" + resource + ")");
            }
            List<String> lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))
                    .lines().toList();
            return parse(resource, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Row> parse(String resource, List<String> lines) {
        String[] header = lines.get(0).split(",", -1);
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length != header.length) {
                fail(resource + ":" + (i + 1) + ": expected " + header.length + " cells, got "
                        + cells.length + ": " + Arrays.toString(cells));
            }
            Map<String, String> columns = new HashMap<>();
            for (int c = 0; c < header.length; c++) {
                columns.put(header[c], cells[c]);
            }
            rows.add(new Row(i + 1, columns));
        }
        return rows;
    }
}
