package org.bip324proxy.log;

/**
 * A value in a text log line. Values often carry what a client or peer chose (user agents, command
 * names, error messages quoting their bytes), so nothing in them may end the line or pass for
 * another field: a value with a space, {@code "}, {@code =} or {@code \} is quoted, and inside it
 * {@code \} and {@code "} are escaped, line breaks and tabs become {@code \n}, {@code \r},
 * {@code \t}, and every other control, format (e.g. bidirectional overrides) or line-separator
 * character becomes {@code \}{@code uXXXX}.
 */
final class TextValue {
    private TextValue() {}

    static void append(StringBuilder sb, String v) {
        if (!v.isEmpty() && v.chars().noneMatch(TextValue::needsQuotes)) {
            sb.append(v);
            return;
        }
        sb.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (isUnsafe(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static boolean needsQuotes(int c) {
        return c == ' ' || c == '"' || c == '=' || c == '\\' || isUnsafe(c);
    }

    /** Characters a terminal or log viewer may act on instead of showing (and lone surrogates). */
    private static boolean isUnsafe(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE, Character.UNASSIGNED, Character.PRIVATE_USE -> true;
            default -> false;
        };
    }
}
