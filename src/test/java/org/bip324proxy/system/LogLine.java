package org.bip324proxy.system;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of the proxy's text log: {@code TIMESTAMP LEVEL EVENT key=value key="quoted value" ...}.
 *
 * @param raw the whole line, for messages
 */
record LogLine(String level, String event, Map<String, String> fields, String raw) {

    private static final Pattern HEAD = Pattern.compile("^\\S+ (DEBUG|INFO|WARN|ERROR) (\\S+)(.*)$");
    private static final Pattern FIELD = Pattern.compile(" ([A-Za-z0-9_]+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");

    /** Parses a log line; null for anything else the process printed. */
    static LogLine parse(String line) {
        Matcher head = HEAD.matcher(line);
        if (!head.matches()) {
            return null;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(head.group(3));
        while (m.find()) {
            String v = m.group(2);
            if (v.startsWith("\"")) {
                v = v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            fields.put(m.group(1), v);
        }
        return new LogLine(head.group(1), head.group(2), Map.copyOf(fields), line);
    }

    /** The field's value, or null. */
    String get(String key) {
        return fields.get(key);
    }

    @Override
    public String toString() {
        return raw;
    }
}
