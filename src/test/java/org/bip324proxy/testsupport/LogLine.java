package org.bip324proxy.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of the proxy's text log, {@code TIMESTAMP LEVEL EVENT key=value key="quoted value" ...},
 * read back into its event and fields (quoted values unescaped as {@code log.TextValue} escapes
 * them), so tests assert what a line says rather than how it is spelled.
 *
 * @param raw the whole line, for messages
 */
public record LogLine(String level, String event, Map<String, String> fields, String raw) {

    private static final Pattern HEAD = Pattern.compile("^\\S+ (DEBUG|INFO|WARN|ERROR) (\\S+)(.*)$");
    private static final Pattern FIELD = Pattern.compile(" ([A-Za-z0-9_]+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");

    /** Parses a log line; null for anything else the process printed. */
    public static LogLine parse(String line) {
        Matcher head = HEAD.matcher(line);
        if (!head.matches()) {
            return null;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(head.group(3));
        while (m.find()) {
            String v = m.group(2);
            fields.put(m.group(1), v.startsWith("\"") ? unquote(v.substring(1, v.length() - 1)) : v);
        }
        return new LogLine(head.group(1), head.group(2), Map.copyOf(fields), line);
    }

    /** Parses a line that must be a log line. */
    public static LogLine of(String line) {
        LogLine l = parse(line);
        if (l == null) {
            throw new AssertionError("not a log line: " + line);
        }
        return l;
    }

    /** The log lines among {@code lines} with this event name, in order. */
    public static List<LogLine> events(List<String> lines, String event) {
        return lines.stream().map(LogLine::parse).filter(l -> l != null && l.event.equals(event)).toList();
    }

    /** Whether this is {@code event} of connection {@code conn}. */
    public boolean is(String event, long conn) {
        return this.event.equals(event) && String.valueOf(conn).equals(fields.get("conn"));
    }

    /** The field's value, or null. */
    public String get(String key) {
        return fields.get(key);
    }

    public boolean has(String key) {
        return fields.containsKey(key);
    }

    /** A numeric field, which must be there. */
    public long number(String key) {
        String v = fields.get(key);
        if (v == null) {
            throw new AssertionError("no " + key + " field in: " + raw);
        }
        return Long.parseLong(v);
    }

    /** Asserts the field is there with this value. */
    public LogLine assertField(String key, Object expected) {
        assertEquals(String.valueOf(expected), fields.get(key), key + " in: " + raw);
        return this;
    }

    /**
     * Asserts the field is there and mentions {@code part}: for the details that only a sentence
     * for people carries ({@code reason}, {@code error}); kinds are asserted with {@link #assertField}.
     */
    public LogLine assertFieldMentions(String key, String part) {
        String v = fields.get(key);
        if (v == null || !v.contains(part)) {
            throw new AssertionError(key + " should mention '" + part + "' in: " + raw);
        }
        return this;
    }

    /** Asserts the line has no such field. */
    public LogLine assertNoField(String key) {
        assertEquals(null, fields.get(key), key + " in: " + raw);
        return this;
    }

    private static String unquote(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                sb.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> sb.append(e); // \\ and \"
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return raw;
    }
}
