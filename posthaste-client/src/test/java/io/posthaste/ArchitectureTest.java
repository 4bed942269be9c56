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
 * The arrows between the client's packages (DESIGN.md §3, docs/ARCHITECTURE.md), lowest first:
 * <pre>
 *   helpers (body, decode, url, json, semantics, cookie, sse) know nothing of calls or the network
 *   proxy       routes: proxy URLs, NO_PROXY, the environment       → java.base only
 *   session     the session's settings and a request's extras       → helpers
 *   connection  transport, pool, caller loops, connection sources   → session, helpers
 *   exchange    the protocol-neutral exchange and its contract      → connection, session, helpers
 *   http1       one protocol: its codec and connection              → exchange, connection, …
 *   http2       another, beside it (neither knows the other)        → exchange, connection, …
 *   websocket   a dedicated connection that leaves HTTP behind       → connection, exchange's failures, session, …
 *   http3       a third, beside them (and its own source, H3Routing) → exchange, connection, …
 *   chain       the call and its steps                              → exchange (the contract), session, helpers
 *   transport   wires it all together for the public API            → everything but the chain
 * </pre>
 * Netty stays in the transport and protocol packages, and the public API shows no internal or
 * Netty type in any signature a user can call.
 */
class ArchitectureTest {

    private static final String PUBLIC = "io.posthaste";
    private static final String[] HELPERS = {
        "io.posthaste.internal.body..",
        "io.posthaste.internal.decode..",
        "io.posthaste.internal.url..",
        "io.posthaste.internal.json..",
        "io.posthaste.internal.semantics..",
        "io.posthaste.internal.cookie..",
        "io.posthaste.internal.cache..",
        "io.posthaste.internal.sse.."
    };
    private static final String SESSION = "io.posthaste.internal.session..";
    private static final String CHAIN = "io.posthaste.internal.chain..";
    private static final String CONNECTION = "io.posthaste.internal.connection..";
    private static final String EXCHANGE = "io.posthaste.internal.exchange..";
    private static final String HTTP1 = "io.posthaste.internal.http1..";
    private static final String HTTP2 = "io.posthaste.internal.http2..";
    private static final String HTTP3 = "io.posthaste.internal.http3..";
    private static final String TRANSPORT = "io.posthaste.internal.transport..";
    private static final String WEBSOCKET = "io.posthaste.internal.websocket..";
    private static final String PROXY = "io.posthaste.internal.proxy..";

    private static JavaClasses client;

    @BeforeAll
    static void importClient() {
        // posthaste-testing shares the package prefix and is on the test class path: leave it out.
        client = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("posthaste-testing"))
                .importPackages(PUBLIC);
    }

    @Test
    void nettyTypesAppearOnlyInTheTransportAndProtocolPackages() {
        noClasses()
                .that()
                .resideOutsideOfPackages(CONNECTION, EXCHANGE, HTTP1, HTTP2, HTTP3, WEBSOCKET, TRANSPORT)
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.netty..")
                .check(client);
    }

    @Test
    void helpersKnowNothingOfCallsSessionsExchangesOrConnections() {
        noClasses()
                .that()
                .resideInAnyPackage(HELPERS)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        SESSION, CHAIN, CONNECTION, EXCHANGE, HTTP1, HTTP2, HTTP3, WEBSOCKET, TRANSPORT, PROXY)
                .check(client);
    }

    @Test
    void routesArePlainJavaAndKnowNoOtherPartOfTheClient() {
        classes()
                .that()
                .resideInAPackage(PROXY)
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(PROXY, "java..")
                .check(client);
    }

    @Test
    void theSessionSettingsDependOnHelpersOnly() {
        noClasses()
                .that()
                .resideInAPackage(SESSION)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(CHAIN, CONNECTION, EXCHANGE, HTTP1, HTTP2, HTTP3, WEBSOCKET, TRANSPORT)
                .check(client);
    }

    @Test
    void connectionsKnowNoExchangeProtocolOrCall() {
        noClasses()
                .that()
                .resideInAPackage(CONNECTION)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(CHAIN, EXCHANGE, HTTP1, HTTP2, HTTP3, WEBSOCKET, TRANSPORT)
                .check(client);
    }

    @Test
    void theExchangeIsProtocolNeutralAndKnowsNoCall() {
        noClasses()
                .that()
                .resideInAPackage(EXCHANGE)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(CHAIN, HTTP1, HTTP2, HTTP3, WEBSOCKET, TRANSPORT)
                .check(client);
    }

    @Test
    void webSocketsKnowNoCallNoHttpProtocolAndNoWiring() {
        noClasses()
                .that()
                .resideInAPackage(WEBSOCKET)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(CHAIN, HTTP1, HTTP2, HTTP3, TRANSPORT)
                .check(client);
    }

    @Test
    void onlyThePublicApiOpensWebSockets() {
        noClasses()
                .that()
                .resideOutsideOfPackages(PUBLIC, WEBSOCKET)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(WEBSOCKET)
                .check(client);
    }

    @Test
    void aProtocolKnowsNoCallAndNoWiring() {
        noClasses()
                .that()
                .resideInAnyPackage(HTTP1, HTTP2, HTTP3)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(CHAIN, TRANSPORT, WEBSOCKET)
                .check(client);
    }

    @Test
    void protocolsKnowNothingOfEachOther() {
        noClasses()
                .that()
                .resideInAPackage(HTTP1)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(HTTP2)
                .check(client);
        noClasses()
                .that()
                .resideInAPackage(HTTP2)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(HTTP1, HTTP3)
                .check(client);
        noClasses()
                .that()
                .resideInAPackage(HTTP1)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(HTTP3)
                .check(client);
        noClasses()
                .that()
                .resideInAPackage(HTTP3)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(HTTP1, HTTP2)
                .check(client);
    }

    @Test
    void quicAndHttp3TypesStayInTheHttp3Package() {
        // The QUIC native may be missing: only classes reached after Http3Support said yes may
        // touch these, and those are all in the http3 package.
        noClasses()
                .that()
                .resideOutsideOfPackage(HTTP3)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.netty.handler.codec.quic..", "io.netty.handler.codec.http3..")
                .check(client);
    }

    @Test
    void theChainReachesTheNetworkOnlyThroughTheExchangeContract() {
        noClasses()
                .that()
                .resideInAPackage(CHAIN)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(CONNECTION, HTTP1, HTTP2, HTTP3, TRANSPORT)
                .check(client);
    }

    @Test
    void nothingButThePublicApiReachesTheWiring() {
        noClasses()
                .that()
                .resideOutsideOfPackages(PUBLIC, TRANSPORT)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(TRANSPORT)
                .check(client);
    }

    @Test
    void thePoolIsTransportNeutralAndStandsAlone() {
        classes()
                .that()
                .haveSimpleNameStartingWith("ConnectionPool")
                .or()
                .haveSimpleName("Scheduler")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(CONNECTION, "java..")
                .check(client);
    }

    @Test
    void thePublicApiShowsNoInternalOrNettyTypeInASignature() {
        classes()
                .that()
                .resideInAPackage(PUBLIC)
                .and()
                .arePublic()
                .should(exposeOnlyPublicTypes())
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
                                    .forEach(hidden -> events.add(SimpleConditionEvent.violated(
                                            unit, unit.getFullName() + " exposes " + hidden.getName())));
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
