package org.bip324proxy.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Markdown file of docs/, read so tests can hold what it documents against real output. */
public final class MarkdownDoc {
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private final Path path;
    private final List<String> lines;

    private MarkdownDoc(Path path, List<String> lines) {
        this.path = path;
        this.lines = lines;
    }

    /** {@code relative} to the project root, where Maven runs the tests. */
    public static MarkdownDoc read(String relative) throws IOException {
        Path p = Path.of(relative).toAbsolutePath();
        return new MarkdownDoc(p, Files.readAllLines(p));
    }

    public String text() {
        return String.join("\n", lines);
    }

    /** The body rows (cells without the outer pipes) of the first table after the line starting with {@code intro}. */
    public List<String[]> tableAfter(String intro) {
        int i = 0;
        while (i < lines.size() && !lines.get(i).startsWith(intro)) {
            i++;
        }
        if (i == lines.size()) {
            throw new IllegalArgumentException(path + ": no line starts with '" + intro + "'");
        }
        while (i < lines.size() && !lines.get(i).startsWith("|")) {
            i++;
        }
        List<String[]> rows = new ArrayList<>();
        for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) { // skip header and separator
            String row = lines.get(i).trim();
            rows.add(row.substring(1, row.length() - 1).split("\\|", -1));
        }
        return rows;
    }

    /** Every {@code `code`} span in {@code cell}, in order. */
    public static Set<String> codeSpans(String cell) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The code spans of the first column of the table after {@code intro}: the names it documents. */
    public Set<String> namesInTableAfter(String intro) {
        Set<String> out = new LinkedHashSet<>();
        for (String[] row : tableAfter(intro)) {
            out.addAll(codeSpans(row[0]));
        }
        return out;
    }

    /** The second column of the row whose first column documents {@code name}. */
    public String meaning(String intro, String name) {
        for (String[] row : tableAfter(intro)) {
            if (codeSpans(row[0]).contains(name)) {
                return row[1];
            }
        }
        throw new IllegalArgumentException(path + ": no row for " + name + " after '" + intro + "'");
    }
}
