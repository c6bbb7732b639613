package org.bip324proxy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Clock;
import java.time.Instant;
import java.util.Timer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The layering that docs/DESIGN.md ("Where things live") describes, checked on the compiled
 * production classes: the protocol core is sans-I/O, the engine only moves bytes, OS glue is a
 * leaf, and no two packages depend on each other.
 */
@Tag("fast")
class ArchitectureTest {
    private static final String ROOT = "org.bip324proxy";
    /** Sans-I/O: codecs and state machines that consume bytes and produce bytes or messages. */
    private static final String[] PROTOCOL_CORE = {
        ROOT + ".bytes..", ROOT + ".crypto..", ROOT + ".v1..", ROOT + ".v2..", ROOT + ".relay..", ROOT + ".socks5.."};

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void noPackageCycles() {
        check(slices().matching(ROOT + ".(*)..").should().beFreeOfCycles());
    }

    @Test
    void relayIgnoresEngineOsAndLog() {
        check(noClasses().that().resideInAPackage(ROOT + ".relay..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        ROOT + ".engine..", ROOT + ".os..", ROOT + ".log.."));
    }

    @Test
    void v1AndV2IgnoreEachOther() {
        check(noClasses().that().resideInAPackage(ROOT + ".v1..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".v2.."));
        check(noClasses().that().resideInAPackage(ROOT + ".v2..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".v1.."));
    }

    @Test
    void engineIgnoresControlMetricsAndCli() {
        check(noClasses().that().resideInAPackage(ROOT + ".engine..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        ROOT + ".control..", ROOT + ".metrics..", ROOT + ".http..", ROOT + ".cli..",
                        ROOT + ".bench.."));
    }

    @Test
    void osIsALeaf() {
        check(noClasses().that().resideInAPackage(ROOT + ".os..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".engine.."));
        check(noClasses().that().resideInAPackage(ROOT + ".os..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        ROOT + ".relay..", ROOT + ".log..", ROOT + ".control..", ROOT + ".cli.."));
    }

    @Test
    void protocolCoreDependsOnlyOnItself() {
        check(noClasses().that().resideInAnyPackage(PROTOCOL_CORE)
                .should().dependOnClassesThat().resideInAnyPackage(
                        ROOT + ".engine..", ROOT + ".os..", ROOT + ".log..", ROOT + ".state..",
                        ROOT + ".control..", ROOT + ".http..", ROOT + ".metrics..", ROOT + ".cli..",
                        ROOT + ".bench.."));
    }

    @Test
    void protocolCoreUsesNoSocketsFilesOrThreads() {
        check(noClasses().that().resideInAnyPackage(PROTOCOL_CORE)
                .should().dependOnClassesThat().resideInAnyPackage(
                        "java.nio.channels..", "java.nio.file..", "jnr..")
                .orShould().dependOnClassesThat().haveNameMatching(
                        "java\\.net\\.(Server|Datagram|Multicast)?Socket")
                .orShould().dependOnClassesThat().haveNameMatching("java\\.io\\.File.*")
                .orShould().dependOnClassesThat().belongToAnyOf(
                        Thread.class, ThreadGroup.class, ProcessBuilder.class, Timer.class,
                        Executor.class, ExecutorService.class, ScheduledExecutorService.class,
                        Executors.class, ForkJoinPool.class, CompletableFuture.class));
    }

    @Test
    void protocolCoreReadsNoClock() {
        check(noClasses().that().resideInAnyPackage(PROTOCOL_CORE)
                .should().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(Instant.class, "now")
                .orShould().dependOnClassesThat().belongToAnyOf(Clock.class));
    }

    /**
     * Every setting is an option with a description and default in --help: no hidden system
     * properties. The JVM's own properties are read in three places (java.io.tmpdir for the control
     * socket's last-resort directory and jffi's error message, java.class.path for the bench's child).
     */
    @Test
    void noHiddenSystemProperties() {
        check(noClasses().should().callMethod(Boolean.class, "getBoolean", String.class)
                .orShould().callMethod(Integer.class, "getInteger", String.class)
                .orShould().callMethod(Long.class, "getLong", String.class));
        check(noClasses().that().doNotHaveFullyQualifiedName(ROOT + ".control.ControlSocketPath")
                .and().doNotHaveFullyQualifiedName(ROOT + ".os.NativeLibC")
                .and().doNotHaveFullyQualifiedName(ROOT + ".bench.ProxyProcess")
                .should().callMethod(System.class, "getProperty", String.class)
                .orShould().callMethod(System.class, "getProperty", String.class, String.class)
                .orShould().callMethod(System.class, "getProperties"));
    }

    private static void check(ArchRule rule) {
        rule.check(production);
    }
}
