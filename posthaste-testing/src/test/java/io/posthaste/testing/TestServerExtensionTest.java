package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

class TestServerExtensionTest {

    @Nested
    @ExtendWith(TestServerExtension.class)
    class Declarative {
        private final TestServer fromConstructor;

        Declarative(TestServer server) {
            this.fromConstructor = server;
        }

        @Test
        void injectsOneRunningServerPerClass(TestServer server) throws Exception {
            assertThat(server).isSameAs(fromConstructor);
            assertThat(server.isClosed()).isFalse();
            assertThat(Http.get(server, "/get").statusCode()).isEqualTo(200);
        }
    }

    @Nested
    class PerTest {
        @RegisterExtension
        final TestServerExtension extension = TestServerExtension.perTest();

        @Test
        void startsAFreshServerForEachTest() {
            assertThat(extension.server().requestCount()).isZero();
            assertThat(extension.server().connectionCount()).isZero();
        }
    }

    @Test
    void perClassServerIsResetBetweenTestsAndClosedAfterAll() throws Exception {
        TestServerExtension ext = TestServerExtension.perClass();
        ExtensionContext context = context(null);
        ext.beforeAll(context);
        ext.beforeEach(context);
        TestServer server = ext.server();
        server.enqueue(MockResponse.ok("left over"));
        try (RawClient c = new RawClient(server)) {
            c.send(RawClient.get("/get")).read();
        }
        server.dispatcher(r -> MockResponse.ok("custom"));
        ext.afterEach(context);
        ext.beforeEach(context);
        assertThat(ext.server()).isSameAs(server);
        assertThat(server.pendingResponseCount()).isZero();
        assertThat(server.takeRequest(Duration.ZERO)).isNull();
        ext.afterEach(context);
        ext.afterAll(context);
        assertThat(server.isClosed()).isTrue();
        assertThatThrownBy(ext::server).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void failOnUnconsumedResponsesFailsTheTestThatLeftThem() {
        TestServerExtension ext = TestServerExtension.perTest().failOnUnconsumedResponses();
        ExtensionContext context = context(null);
        ext.beforeEach(context);
        TestServer server = ext.server();
        server.enqueue(MockResponse.ok("never requested"));
        assertThatThrownBy(() -> ext.afterEach(context))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 scripted response(s)");
        assertThat(server.isClosed()).isTrue();
    }

    @Test
    void failOnUnconsumedResponsesDoesNotMaskAnEarlierFailure() {
        TestServerExtension ext = TestServerExtension.perTest().failOnUnconsumedResponses();
        ExtensionContext failed = context(new AssertionError("the real failure"));
        ext.beforeEach(failed);
        ext.server().enqueue(MockResponse.ok("unused"));
        ext.afterEach(failed);
    }

    @Test
    void tlsOptionStartsHttpsServers() {
        TestServerExtension ext = TestServerExtension.perTest().tls();
        ExtensionContext context = context(null);
        ext.beforeEach(context);
        assertThat(ext.server().isTls()).isTrue();
        ext.afterEach(context);
    }

    /** A minimal ExtensionContext: a fixed unique id and the given execution failure. */
    private static ExtensionContext context(Throwable failure) {
        return (ExtensionContext) Proxy.newProxyInstance(
                ExtensionContext.class.getClassLoader(),
                new Class<?>[] {ExtensionContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getUniqueId" -> "[engine:test]/[class:Fake]";
                    case "getExecutionException" -> Optional.ofNullable(failure);
                    case "getParent", "getTestMethod" -> Optional.empty();
                    case "toString" -> "FakeContext";
                    case "hashCode" -> 1;
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
