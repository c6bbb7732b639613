package org.bip324proxy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.bip324proxy.control.ControlClient;
import org.bip324proxy.control.ControlClient.ControlException;
import org.bip324proxy.control.JsonCodec;
import org.bip324proxy.control.SnapshotJson;
import org.bip324proxy.control.StatusReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bip324-proxy status}: asks a running proxy over its control socket. */
@Command(name = "status",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Show the live connections of a running bip324-proxy and its totals since start.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:other error (the message says which)",
            "2:bad command line",
            "3:the proxy is not running (no control socket, or nothing answers on it)",
            "4:access denied (run as root, as the proxy's user, or as a member of its --control-group)"})
public final class StatusCommand implements Callable<Integer> {
    static final int NOT_RUNNING = 3;
    static final int ACCESS_DENIED = 4;

    @Spec
    CommandSpec spec;

    @Mixin
    ControlSocketOption controlSocket;

    @Option(names = "--json", defaultValue = "false",
            description = "Print the status as one JSON object per line (for scripts). Default: false (a table).")
    boolean json;

    @Option(names = "--watch", defaultValue = "false",
            description = "Refresh every --interval until interrupted (Ctrl-C). Default: false (print once).")
    boolean watch;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s", converter = Durations.class,
            description = "Refresh interval with --watch. Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Path> path = controlSocket.find();
        if (path.isEmpty()) {
            err.println("bip324-proxy status: bip324-proxy is not running: no control socket at "
                    + ControlSocketOption.candidates().stream().map(Path::toString).collect(Collectors.joining(" or "))
                    + " (start the proxy, or give its socket with --control-socket PATH)");
            return NOT_RUNNING;
        }
        try (ControlClient client = ControlClient.connect(path.get())) {
            do {
                StatusReport status = SnapshotJson.read(client.request("status").get("status"));
                if (json) {
                    out.println(JsonCodec.write(SnapshotJson.write(status)));
                } else {
                    if (watch) {
                        out.print("\033[H\033[2J"); // home and clear, like top
                    }
                    out.print(StatusTable.render(status));
                }
                out.flush();
                if (watch) {
                    Thread.sleep(interval.toMillis());
                }
            } while (watch);
            return 0;
        } catch (IllegalArgumentException e) { // the answer is not a status document
            err.println("bip324-proxy status: " + e.getMessage());
            return 1;
        } catch (ControlException e) {
            err.println("bip324-proxy status: " + e.getMessage());
            return switch (e.failure()) {
                case NOT_RUNNING -> NOT_RUNNING;
                case ACCESS_DENIED -> ACCESS_DENIED;
                case ERROR -> 1;
            };
        }
    }
}
