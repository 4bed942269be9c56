package io.posthaste;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The arrows between the client's packages (DESIGN.md §3, docs/ARCHITECTURE.md): lower layers
 * never reach up, Netty stays in the transport package, and the public API shows no internal or
 * Netty type in any signature a user can call.
 */
class ArchitectureTest {

    private static final String PUBLIC = "io.posthaste";
    private static final String TRANSPORT = "io.posthaste.internal.netty..";
    /** Netty-free helpers: they know nothing of calls, exchanges, connections or pools. */
    private static final String[] HELPERS = {"io.posthaste.internal.codec..",
        "io.posthaste.internal.cookie.."};

    private static JavaClasses client;

    @BeforeAll
    static void importClient() {
        // posthaste-testing shares the package prefix and is on the test class path: leave it out.
        client = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("posthaste-testing"))
                .importPackages(PUBLIC);
    }

    @Test
    void nettyTypesAppearOnlyInTheTransportPackage() {
        noClasses().that().resideOutsideOfPackage(TRANSPORT).should().dependOnClassesThat()
                .resideInAPackage("io.netty..").check(client);
    }

    @Test
    void theChainNeverReachesDownIntoTheTransport() {
        noClasses().that().resideInAPackage("io.posthaste.internal.chain..").should().dependOnClassesThat()
                .resideInAnyPackage(TRANSPORT, "io.posthaste.internal.pool..").check(client);
    }

    @Test
    void helpersKnowNothingOfCallsExchangesOrConnections() {
        noClasses().that().resideInAnyPackage(HELPERS).should().dependOnClassesThat()
                .resideInAnyPackage("io.posthaste.internal.chain..", TRANSPORT, "io.posthaste.internal.pool..")
                .check(client);
    }

    @Test
    void thePoolIsTransportNeutralAndStandsAlone() {
        classes().that().resideInAPackage("io.posthaste.internal.pool..").should().onlyDependOnClassesThat()
                .resideInAnyPackage("io.posthaste.internal.pool..", "java..").check(client);
    }

    @Test
    void thePublicApiShowsNoInternalOrNettyTypeInASignature() {
        classes().that().resideInAPackage(PUBLIC).and().arePublic().should(exposeOnlyPublicTypes())
                .check(client);
    }

    private static ArchCondition<JavaClass> exposeOnlyPublicTypes() {
        return new ArchCondition<>("expose no internal or Netty type in a public or protected signature") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                Stream.concat(type.getMethods().stream(), type.getConstructors().stream())
                        .filter(ArchitectureTest::callable)
                        .forEach(unit -> {
                            Stream.concat(Stream.of(unit.getRawReturnType()), unit.getRawParameterTypes().stream())
                                    .filter(ArchitectureTest::hidden)
                                    .forEach(hidden -> events.add(SimpleConditionEvent.violated(unit,
                                            unit.getFullName() + " exposes " + hidden.getName())));
                        });
            }
        };
    }

    private static boolean callable(JavaCodeUnit unit) {
        return unit.getModifiers().contains(JavaModifier.PUBLIC)
                || unit.getModifiers().contains(JavaModifier.PROTECTED);
    }

    private static boolean hidden(JavaClass type) {
        String name = type.getName();
        return name.startsWith("io.posthaste.internal.") || name.startsWith("io.netty.");
    }
}
