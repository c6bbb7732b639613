package org.bip324proxy.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Unix group that exists only for one test ({@code groupadd}/{@code groupdel}, so root only).
 * Named {@code b324t-g<pid>-<n>}; creating one first deletes such groups of dead pids.
 */
public final class TempGroup implements AutoCloseable {

    public static final String PREFIX = "b324t-g";
    private static final Pattern OWN_NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-(\\d+)");
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String name;
    private final long gid;
    private boolean closed;

    private TempGroup(String name, long gid) {
        this.name = name;
        this.gid = gid;
    }

    /** Adds a new group; the system picks its gid. */
    public static TempGroup create() throws IOException {
        deleteStale();
        String name = PREFIX + PID + "-" + COUNTER.incrementAndGet();
        groupTool("groupadd", name);
        try {
            String entry = Cmd.check("getent", "group", name).strip();
            return new TempGroup(name, Long.parseLong(entry.split(":")[2]));
        } catch (IOException | RuntimeException e) {
            groupTool("groupdel", name);
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public long gid() {
        return gid;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            groupTool("groupdel", name);
        }
    }

    /** Deletes {@code b324t-g<pid>-*} groups whose pid is not alive. */
    static void deleteStale() throws IOException {
        for (String line : Files.readAllLines(Path.of("/etc/group"))) {
            String group = line.split(":", 2)[0];
            Matcher m = OWN_NAME.matcher(group);
            if (m.matches()) {
                long pid = Long.parseLong(m.group(1));
                if (pid != PID && ProcessHandle.of(pid).isEmpty()) {
                    groupTool("groupdel", group);
                }
            }
        }
    }

    /** groupadd/groupdel, retried while another process holds the /etc/group lock. */
    private static void groupTool(String tool, String group) throws IOException {
        Cmd.Result last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            last = Cmd.run(List.of(tool, group), null, Duration.ofSeconds(30));
            if (last.ok()) {
                return;
            }
            if (!last.stderr().contains("lock")) {
                break;
            }
            try {
                Thread.sleep(100 + 50L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        last.check();
    }
}
