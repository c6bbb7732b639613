package org.bip324proxy.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * picocli converter for byte sizes: a number of bytes, or with a binary suffix K, M or G (KiB, MiB,
 * GiB; e.g. {@code 4M} = 4,194,304). Accepts {@value #MIN} bytes to 1G, so every value fits an int.
 */
final class Sizes implements CommandLine.ITypeConverter<Integer> {
    static final String FORMAT_HELP = "SIZE      bytes, or a number with K, M or G: 65536, 64K, 4M (= 4194304), 1G";
    static final int MIN = 1024;
    static final long MAX = 1L << 30;
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,10})([kmg]?)(i?b)?");

    @Override
    public Integer convert(String value) {
        Matcher m = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size: use e.g. 65536, 64K, 4M, 1G");
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        if (n > (MAX >> shift) || n << shift < MIN) {
            throw new CommandLine.TypeConversionException("'" + value + "': size must be between 1K and 1G");
        }
        return (int) (n << shift);
    }
}
