package org.bip324proxy.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * picocli converter for durations such as {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}:
 * positive and at most {@link #MAX} (30 days), so every timeout fits the engine's nanosecond clock.
 */
final class Durations implements CommandLine.ITypeConverter<Duration> {
    static final String FORMAT_HELP = "DURATION  a number with ms, s, m or h: 500ms, 10s, 5m, 1h (at most 720h)";
    static final Duration MAX = Duration.ofDays(30);
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,12})(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        Matcher m = FORMAT.matcher(value.trim());
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use e.g. 500ms, 10s, 5m, 1h");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.isZero()) {
            throw new CommandLine.TypeConversionException("'" + value + "': duration must be positive");
        }
        if (d.compareTo(MAX) > 0) {
            throw new CommandLine.TypeConversionException("'" + value + "': duration must be at most 720h (30 days)");
        }
        return d;
    }
}
