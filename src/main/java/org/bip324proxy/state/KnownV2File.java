package org.bip324proxy.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.bip324proxy.relay.KnownV2Peers;

/**
 * The known-v2 destinations on disk: a text file, one {@code EVIDENCE DESTINATION} line per entry
 * between a header and an {@code end COUNT} trailer. Written to a temporary file in the same
 * directory, fsynced, renamed over the old one and the directory fsynced, so a crash leaves the
 * old or the new file, never a mix. A file that does not parse (truncated, edited, another
 * version) is rejected whole: a partial line could name a different port.
 */
public final class KnownV2File {
    static final String HEADER = "bip324-proxy known-v2 1";
    /** Largest file read: the cap's worth of the longest lines, with room to spare. */
    static final long MAX_BYTES = 16L * 1024 * 1024;

    private final Path path;

    public KnownV2File(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** A file that exists but cannot be used. */
    public static final class CorruptFileException extends IOException {
        CorruptFileException(String message) {
            super(message);
        }
    }

    /** The saved entries; none if there is no file yet. */
    public List<KnownV2Peers.Entry> load() throws IOException {
        List<String> lines;
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw new CorruptFileException(path + " is larger than " + MAX_BYTES + " bytes");
            }
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (java.nio.charset.MalformedInputException e) {
            throw new CorruptFileException(path + " is not UTF-8 text");
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new CorruptFileException(path + " does not start with '" + HEADER + "'");
        }
        String trailer = "end " + (lines.size() - 2);
        if (lines.size() < 2 || !lines.get(lines.size() - 1).equals(trailer)) {
            throw new CorruptFileException(path + " is truncated (no '" + trailer + "' line)");
        }
        List<KnownV2Peers.Entry> out = new ArrayList<>();
        for (int i = 1; i < lines.size() - 1; i++) {
            String[] f = lines.get(i).split(" ", -1);
            if (f.length != 2 || f[1].isEmpty()) {
                throw new CorruptFileException(path + " line " + (i + 1) + " is not 'EVIDENCE DESTINATION'");
            }
            try {
                out.add(new KnownV2Peers.Entry(f[1], KnownV2Peers.Evidence.valueOf(f[0].toUpperCase(java.util.Locale.ROOT))));
            } catch (IllegalArgumentException e) {
                throw new CorruptFileException(path + " line " + (i + 1) + " has unknown evidence '" + f[0] + "'");
            }
        }
        return out;
    }

    /** Replaces the file atomically with these entries. */
    public void save(List<KnownV2Peers.Entry> entries) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (KnownV2Peers.Entry e : entries) {
            sb.append(e.evidence().logName()).append(' ').append(e.destination()).append('\n');
        }
        sb.append("end ").append(entries.size()).append('\n');
        Path dir = path.toAbsolutePath().getParent();
        Path tmp = dir.resolve(path.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself survives a crash
        }
    }
}
