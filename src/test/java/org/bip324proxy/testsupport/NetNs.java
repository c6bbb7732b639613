package org.bip324proxy.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named network namespace owned by one test, deleted on {@link #close()}.
 *
 * <p>Names are {@code b324t-<pid>-<n>}: unique per JVM (counter) and across JVMs (pid), so tests
 * may run in parallel. A JVM shutdown hook deletes what this JVM left open, and the first use in a
 * JVM deletes {@code b324t-<pid>-*} namespaces whose pid is no longer alive (left by a crash).
 *
 * <p>Nothing here touches the root namespace's addresses or routes: veth pairs are created
 * directly inside their two namespaces, and all test traffic stays within our namespaces.
 */
public final class NetNs implements AutoCloseable {

    public static final String PREFIX = "b324t-";
    private static final Pattern OWN_NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-(\\d+)");
    private static final Path NETNS_DIR = Path.of("/var/run/netns");
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicInteger NS_COUNTER = new AtomicInteger();
    private static final AtomicInteger LINK_COUNTER = new AtomicInteger();
    private static final Set<NetNs> OPEN = ConcurrentHashMap.newKeySet();
    private static final Object INIT_LOCK = new Object();
    private static boolean initialised;

    private final String name;
    private final List<Child> children = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** The two ends of a veth pair between two namespaces, with their addresses. */
    public record Veth(NetNs here, String hereIf, InetAddress hereV4, InetAddress hereV6,
                       NetNs there, String thereIf, InetAddress thereV4, InetAddress thereV6) {
    }

    private NetNs(String name) {
        this.name = name;
    }

    /** Creates a new namespace with {@code lo} up. */
    public static NetNs create() throws IOException {
        initOnce();
        String name = PREFIX + PID + "-" + NS_COUNTER.incrementAndGet();
        Cmd.check(ip(), "netns", "add", name);
        NetNs ns = new NetNs(name);
        OPEN.add(ns);
        try {
            Cmd.check(ip(), "-n", name, "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /**
     * Creates a veth pair between this namespace and {@code other}, with a /30 IPv4 subnet in
     * 10.213.0.0/16 and a /64 in fd00:b324::/32 (DAD off, so the addresses are usable at once).
     * These private addresses exist only inside our two namespaces.
     */
    public Veth linkTo(NetNs other) throws IOException {
        int n = LINK_COUNTER.incrementAndGet();
        if (n >= 1 << 14) {
            throw new IllegalStateException("too many veth links in one JVM");
        }
        String a = "b324v" + n + "a";
        String b = "b324v" + n + "b";
        String v4Base = "10.213." + (n >> 6) + ".";
        int host = (n & 63) * 4;
        String v4a = v4Base + (host + 1);
        String v4b = v4Base + (host + 2);
        String v6a = "fd00:b324:0:" + Integer.toHexString(n) + "::1";
        String v6b = "fd00:b324:0:" + Integer.toHexString(n) + "::2";
        // Both ends are created directly in their namespaces; the root namespace never has them.
        Cmd.check(ip(), "link", "add", "name", a, "netns", name, "type", "veth",
                "peer", "name", b, "netns", other.name);
        Cmd.check(ip(), "-n", name, "addr", "add", v4a + "/30", "dev", a);
        Cmd.check(ip(), "-n", other.name, "addr", "add", v4b + "/30", "dev", b);
        Cmd.check(ip(), "-n", name, "addr", "add", v6a + "/64", "dev", a, "nodad");
        Cmd.check(ip(), "-n", other.name, "addr", "add", v6b + "/64", "dev", b, "nodad");
        Cmd.check(ip(), "-n", name, "link", "set", a, "up");
        Cmd.check(ip(), "-n", other.name, "link", "set", b, "up");
        return new Veth(this, a, InetAddress.getByName(v4a), InetAddress.getByName(v6a),
                other, b, InetAddress.getByName(v4b), InetAddress.getByName(v6b));
    }

    /** Runs a command inside the namespace; returns stdout, or throws with its stderr. */
    public String exec(String... command) throws IOException {
        return run(null, Cmd.DEFAULT_TIMEOUT, command).check();
    }

    /** Runs a command inside the namespace with the given stdin and timeout; never throws on exit status. */
    public Cmd.Result run(String stdin, Duration timeout, String... command) throws IOException {
        return Cmd.run(inside(List.of(command)), stdin, timeout);
    }

    /** Runs a command inside the namespace as root with primary gid {@code gid} and no supplementary groups. */
    public String execAsGid(long gid, String... command) throws IOException {
        return run(null, Cmd.DEFAULT_TIMEOUT, asGid(gid, command)).check();
    }

    /** Starts a background process inside the namespace; killed at the latest by {@link #close()}. */
    public Child start(String... command) throws IOException {
        checkOpen();
        Child child = new Child(inside(List.of(command)));
        children.add(child);
        return child;
    }

    /** Starts a background process inside the namespace with primary gid {@code gid} (like {@code sudo -g}). */
    public Child startAsGid(long gid, String... command) throws IOException {
        return start(asGid(gid, command));
    }

    /**
     * Runs {@code task} on a new thread that first joins this namespace with {@code setns(2)}.
     * Sockets created by the task belong to this namespace and stay there, so they can be used from
     * any thread afterwards. Threads the task itself starts inherit the namespace.
     */
    public <T> T call(Callable<T> task) throws Exception {
        checkOpen();
        Path nsFile = NETNS_DIR.resolve(name);
        FutureTask<T> future = new FutureTask<>(() -> {
            NetnsSyscalls libc = NetnsSyscalls.get();
            int fd = libc.open(nsFile.toString(), NetnsSyscalls.O_RDONLY | NetnsSyscalls.O_CLOEXEC);
            if (fd < 0) {
                throw new IOException("open " + nsFile + ": " + NetnsSyscalls.lastError());
            }
            try {
                if (libc.setns(fd, NetnsSyscalls.CLONE_NEWNET) != 0) {
                    throw new IOException("setns " + nsFile + ": " + NetnsSyscalls.lastError());
                }
            } finally {
                libc.close(fd);
            }
            return task.call();
        });
        Thread thread = new Thread(future, "netns-" + name);
        thread.setDaemon(true);
        thread.start();
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw e;
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IOException("task in namespace " + name + " did not finish in 60 s", e);
        }
    }

    /** Deletes the namespace after killing the processes we started in it. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            for (Child child : children) {
                child.close();
            }
            delete(name);
        } finally {
            OPEN.remove(this);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("namespace " + name + " is closed");
        }
    }

    private List<String> inside(List<String> command) {
        List<String> full = new ArrayList<>(List.of(ip(), "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    private static String[] asGid(long gid, String... command) {
        String setpriv = SystemTestSupport.tool("setpriv");
        if (setpriv == null) {
            throw new IllegalStateException("setpriv (util-linux) is not installed");
        }
        List<String> full = new ArrayList<>(List.of(setpriv, "--regid=" + gid, "--clear-groups", "--"));
        full.addAll(List.of(command));
        return full.toArray(String[]::new);
    }

    private static String ip() {
        String ip = SystemTestSupport.tool("ip");
        if (ip == null) {
            throw new IllegalStateException("ip (iproute2) is not installed");
        }
        return ip;
    }

    /** Kills whatever still runs inside (all ours by construction), then deletes the namespace. */
    private static void delete(String nsName) {
        try {
            Cmd.Result pids = Cmd.run(List.of(ip(), "netns", "pids", nsName), null, Cmd.DEFAULT_TIMEOUT);
            if (pids.ok()) {
                for (String pid : pids.stdout().split("\\s+")) {
                    if (!pid.isEmpty()) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            }
            Cmd.Result r = Cmd.run(List.of(ip(), "netns", "delete", nsName), null, Cmd.DEFAULT_TIMEOUT);
            if (!r.ok() && Files.exists(NETNS_DIR.resolve(nsName))) {
                System.err.println("warning: could not delete network namespace " + nsName + ": "
                        + r.stderr().strip());
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("warning: could not delete network namespace " + nsName + ": " + e);
        }
    }

    /** Names of existing namespaces made by this support class, with the pid that made them. */
    static List<String[]> ownNamespaces() {
        List<String[]> found = new ArrayList<>();
        if (!Files.isDirectory(NETNS_DIR)) {
            return found;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(NETNS_DIR)) {
            for (Path p : dir) {
                String n = p.getFileName().toString();
                Matcher m = OWN_NAME.matcher(n);
                if (m.matches()) {
                    found.add(new String[] {n, m.group(1)});
                }
            }
        } catch (IOException e) {
            // nothing to clean
        }
        return found;
    }

    private static void initOnce() {
        synchronized (INIT_LOCK) {
            if (initialised) {
                return;
            }
            initialised = true;
            deleteStale();
            Runtime.getRuntime().addShutdownHook(new Thread(NetNs::cleanUpThisJvm, "netns-cleanup"));
        }
    }

    /** Deletes {@code b324t-<pid>-*} namespaces whose pid is not alive (left by a crashed run). */
    static void deleteStale() {
        for (String[] ns : ownNamespaces()) {
            long pid = Long.parseLong(ns[1]);
            if (pid != PID && ProcessHandle.of(pid).isEmpty()) {
                delete(ns[0]);
            }
        }
    }

    private static void cleanUpThisJvm() {
        for (NetNs ns : List.copyOf(OPEN)) {
            ns.close();
        }
        for (String[] ns : ownNamespaces()) {
            if (Long.parseLong(ns[1]) == PID) {
                delete(ns[0]);
            }
        }
    }
}
