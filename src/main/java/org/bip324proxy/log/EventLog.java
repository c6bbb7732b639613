package org.bip324proxy.log;

import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One line per event, as {@code key=value} text (default) or one JSON object per line. Every line
 * carries a timestamp, a level and an event name; connection events add the connection id and
 * whatever the caller knows (client, destination and how it was found, network, session id,
 * bytes, outcome).
 */
public final class EventLog {
    /** Output syntax of a log line. */
    public enum Format {
        TEXT, JSON;

        public static Format parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "text" -> TEXT;
                case "json" -> JSON;
                default -> throw new IllegalArgumentException("log format must be text or json, got '" + s + "'");
            };
        }
    }

    /** Severity, from routine to needs-attention. */
    public enum Level { DEBUG, INFO, WARN, ERROR }

    private final PrintStream out;
    private final Format format;
    private final Level threshold;

    public EventLog(PrintStream out, Format format, Level threshold) {
        this.out = out;
        this.format = format;
        this.threshold = threshold;
    }

    /** Starts a line; add fields with {@link Line#with} and finish with {@link Line#log()}. */
    public Line event(Level level, String name) {
        return new Line(level, name);
    }

    public Line info(String name) {
        return event(Level.INFO, name);
    }

    public Line warn(String name) {
        return event(Level.WARN, name);
    }

    public Line error(String name) {
        return event(Level.ERROR, name);
    }

    /** A log line being built. Fields keep insertion order; null values are left out. */
    public final class Line {
        private final Level level;
        private final String name;
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Line(Level level, String name) {
            this.level = level;
            this.name = name;
        }

        public Line with(String key, Object value) {
            if (value != null) {
                fields.put(key, value);
            }
            return this;
        }

        /** Adds every field of {@code more}, in its order (null values left out). */
        public Line withAll(Map<String, ?> more) {
            more.forEach(this::with);
            return this;
        }

        public void log() {
            if (level.compareTo(threshold) < 0) {
                return;
            }
            String line = format == Format.JSON ? json() : text();
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        }

        private String text() {
            StringBuilder sb = new StringBuilder(160);
            sb.append(Instant.now()).append(' ').append(level).append(' ').append(name);
            for (Map.Entry<String, Object> e : fields.entrySet()) {
                sb.append(' ').append(e.getKey()).append('=');
                TextValue.append(sb, String.valueOf(e.getValue()));
            }
            return sb.toString();
        }

        private String json() {
            StringBuilder sb = new StringBuilder(200);
            sb.append("{\"ts\":\"").append(Instant.now()).append("\",\"level\":\"").append(level)
                    .append("\",\"event\":");
            Json.string(sb, name);
            for (Map.Entry<String, Object> e : fields.entrySet()) {
                sb.append(',');
                Json.string(sb, e.getKey());
                sb.append(':');
                Object v = e.getValue();
                if (v instanceof Number || v instanceof Boolean) {
                    sb.append(v);
                } else {
                    Json.string(sb, String.valueOf(v));
                }
            }
            return sb.append('}').toString();
        }
    }
}
