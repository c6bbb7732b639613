package org.bip324proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * Every test runs in exactly one group, named by a JUnit tag on its class (or, in a class that
 * mixes both, on each test method): {@code fast} (in-process, loopback sockets only, runs in
 * seconds) or {@code system} (needs root, network namespaces, the packaged jar, child processes,
 * external programs, measures the JVM's heap and CPU, or attaches Jazzer's agent, which then
 * instruments every class loaded after it). {@code mvn -B verify -Dgroups=fast}
 * runs the first group alone; README.md "Run the tests".
 */
@Tag("fast")
class TestTagsTest {
    static final Set<String> GROUPS = Set.of("fast", "system");
    private static final List<Class<? extends Annotation>> TEST_ANNOTATIONS = List.of(
            Test.class, ParameterizedTest.class, RepeatedTest.class, TestFactory.class, FuzzTest.class);

    @Test
    void everyTestIsInExactlyOneGroup() {
        List<String> wrong = new ArrayList<>();
        int tests = 0;
        for (JavaClass c : new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages("org.bip324proxy")) {
            for (JavaMethod m : c.getMethods()) {
                if (TEST_ANNOTATIONS.stream().noneMatch(m::isAnnotatedWith)) {
                    continue;
                }
                tests++;
                Set<String> groups = tags(m.reflect().getAnnotationsByType(Tag.class));
                groups.addAll(tags(c.reflect().getAnnotationsByType(Tag.class)));
                if (groups.size() != 1 || !GROUPS.containsAll(groups)) {
                    wrong.add(c.getSimpleName() + "." + m.getName() + " " + groups);
                }
            }
        }
        assertTrue(tests > 400, "found only " + tests + " test methods: is the scan looking in the right place?");
        assertEquals(List.of(), wrong, "tag each test class @Tag(\"fast\") or @Tag(\"system\")");
    }

    private static Set<String> tags(Tag[] tags) {
        Set<String> names = new TreeSet<>();
        for (Tag t : tags) {
            names.add(t.value());
        }
        return names;
    }
}
