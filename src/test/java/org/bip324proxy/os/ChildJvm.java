package org.bip324proxy.os;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for a child JVM running {@link OsProbe} with the test classpath. */
final class ChildJvm {

    static final List<String> OPENS = List.of("--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED");

    private ChildJvm() {
    }

    static List<String> probe(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(OsProbe.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }
}
