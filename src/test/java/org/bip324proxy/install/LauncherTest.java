package org.bip324proxy.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bip324proxy.testsupport.Cmd;
import org.bip324proxy.testsupport.SystemTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher systemd/bip324-proxy choosing a JDK among stand-in JDKs: each has a release file
 * and a bin/java that prints how it was called, so the test sees which one was executed.
 */
@Tag("system")
class LauncherTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private Path jvms;
    private Path tools;
    private Path jar;

    @BeforeEach
    void layout() throws IOException {
        SystemTestSupport.require(SystemTestSupport.tool("bash") != null, "bash is not installed");
        jvms = Files.createDirectories(dir.resolve("jvm"));
        jar = Files.writeString(dir.resolve("bip324-proxy.jar"), "jar");
        // A PATH with the tools the launcher needs and no java.
        tools = Files.createDirectories(dir.resolve("tools"));
        for (String tool : List.of("bash", "dirname", "readlink", "sed")) {
            Files.createSymbolicLink(tools.resolve(tool), Path.of(SystemTestSupport.tool(tool)));
        }
    }

    /** A stand-in JDK home; {@code releaseVersion} null means no release file (the launcher then asks java). */
    private Path jdk(String name, String releaseVersion, String reportedVersion) throws IOException {
        Path home = Files.createDirectories(jvms.resolve(name));
        if (releaseVersion != null) {
            Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + releaseVersion + "\"\n");
        }
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\n"
                + "if [ \"$1\" = -XshowSettings:properties ]; then\n"
                + "  echo '    java.specification.version = " + reportedVersion + "' >&2; exit 0\n"
                + "fi\n"
                + "echo \"ran $0 $*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    private Cmd.Result launch(Path javaHome, String stateDirectory, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/env", "-i", "PATH=" + tools,
                "BIP324_PROXY_JVM_DIR=" + jvms, "BIP324_PROXY_JAR=" + jar,
                "BIP324_PROXY_JAVA_OPTS=-XX:+ExitOnOutOfMemoryError"));
        if (javaHome != null) {
            command.add("JAVA_HOME=" + javaHome);
        }
        if (stateDirectory != null) { // as systemd starts the service
            command.add("STATE_DIRECTORY=" + stateDirectory);
            command.add("INVOCATION_ID=0123456789abcdef0123456789abcdef");
        }
        command.add(ShippedScripts.path("systemd/bip324-proxy").toString());
        command.addAll(List.of(args));
        return Cmd.run(command, null, TIMEOUT);
    }

    @Test
    void prefersTheNewestJdkFrom21OnWhenTheDefaultIsOlder() throws Exception {
        Path jdk17 = jdk("java-17-openjdk", "17.0.13", "17");
        jdk("java-11-openjdk", "11.0.2", "11");
        jdk("java-21-openjdk", "21.0.5", "21");
        Path jdk25 = jdk("temurin-25-jdk", "25", "25");

        Cmd.Result r = launch(jdk17, "/var/lib/bip324-proxy", "--listen", "127.0.0.1:1324");

        assertEquals(0, r.exitCode(), r.toString());
        Path java = jdk25.resolve("bin/java");
        assertEquals("ran " + java + " -XX:+ExitOnOutOfMemoryError -Djffi.extract.dir=/var/lib/bip324-proxy -jar "
                + jar + " --listen 127.0.0.1:1324", r.stdout().strip());
        assertTrue(r.stderr().contains("using Java 25 at " + java), r.stderr());
        assertTrue(r.stderr().contains("the default java is 17"), r.stderr());
    }

    @Test
    void keepsADefaultJavaThatIsNewEnough() throws Exception {
        Path jdk22 = jdk("java-22", "22.0.1", "22");
        jdk("temurin-25-jdk", "25", "25");
        Cmd.Result r = launch(jdk22, null, "--verbose", "--help");
        assertEquals("ran " + jdk22.resolve("bin/java") + " -XX:+ExitOnOutOfMemoryError -jar " + jar + " --help",
                r.stdout().strip());
        assertTrue(r.stderr().contains("using Java 22 at " + jdk22.resolve("bin/java") + " (the default java)"),
                r.stderr());
    }

    @Test
    void asksJavaWhenThereIsNoReleaseFile() throws Exception {
        Path old = jdk("old", "17.0.1", "17");
        Path bare = jdk("bare-jdk", null, "23");
        Cmd.Result r = launch(old, null, "--verbose");
        assertTrue(r.stdout().startsWith("ran " + bare.resolve("bin/java")), r.toString());
        assertTrue(r.stderr().contains("using Java 23"), r.stderr());
    }

    @Test
    void fallsBackToAnOlderDefaultAndSaysHowToGoFaster() throws Exception {
        Path jdk17 = jdk("java-17-openjdk", "17.0.13", "17");
        Cmd.Result r = launch(jdk17, null, "--verbose");
        assertTrue(r.stdout().startsWith("ran " + jdk17.resolve("bin/java")), r.toString());
        assertTrue(r.stderr().contains("using Java 17") && r.stderr().contains("install a JDK >= 21"), r.stderr());
    }

    /** Issue 15: status printed "using Java ..." on every call; only a service start or --verbose says it. */
    @Test
    void saysWhichJavaOnlyWhenTheServiceStartsOrAskedTo() throws Exception {
        Path jdk25 = jdk("temurin-25-jdk", "25", "25");
        Cmd.Result status = launch(jdk25, null, "status");
        assertEquals("ran " + jdk25.resolve("bin/java") + " -XX:+ExitOnOutOfMemoryError -jar " + jar + " status",
                status.stdout().strip());
        assertEquals("", status.stderr());
        assertTrue(launch(jdk25, null, "--verbose", "status").stderr().contains("using Java 25"));
        assertTrue(launch(jdk25, "/var/lib/bip324-proxy").stderr().contains("using Java 25"));
    }

    @Test
    void failsWithAHintWithoutAnyUsableJava() throws Exception {
        jdk("java-11-openjdk", "11.0.2", "11");
        Cmd.Result r = launch(null, null);
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("", r.stdout());
        assertTrue(r.stderr().contains("no Java 17 or newer found") && r.stderr().contains("apt-get install"),
                r.stderr());
    }

    @Test
    void failsWithAHintWhenTheJarIsMissing() throws Exception {
        jdk("temurin-25-jdk", "25", "25");
        Files.delete(jar);
        Cmd.Result r = launch(null, null);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains(jar + " not found") && r.stderr().contains("systemd/install"), r.stderr());
    }
}
