package io.posthaste.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that starts a {@link TestServer}, injects it and closes it.
 *
 * <p>Declaratively, one server per test class, injected into constructors and methods:
 * {@snippet :
 * @ExtendWith(TestServerExtension.class)
 * class UploadTest {
 *     @Test
 *     void uploadsReachTheSink(TestServer server) { ... }
 * }
 * }
 * Programmatically, per class or per test, optionally failing tests that leave queued answers unused:
 * {@snippet :
 * @RegisterExtension
 * static TestServerExtension server = TestServerExtension.perClass().failOnUnconsumedResponses();
 * // in a test: server.server().enqueue(MockResponse.ok("hi"));
 * }
 *
 * <p>Server-Sent Events and WebSocket endpoints can be scripted for every test:
 * {@snippet :
 * @RegisterExtension
 * static TestServerExtension server = TestServerExtension.perClass()
 *         .mount("/ws", WebSocketEndpoint.echo())
 *         .mount("/events", EventStreamEndpoint.builder().event("1", null, "hello").build());
 * }
 *
 * <p>With a per-class server, each test starts with an empty queue, no recorded requests left over
 * from earlier tests, and the default routing. The extension (and the {@code TestServer} parameter)
 * is meant for sequential tests; concurrent tests in one class share one server.
 */
public final class TestServerExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private final boolean perTest;
    private final boolean failOnUnconsumed;
    private final Consumer<TestServer.Builder> configuration;
    private final Map<String, Endpoint> mounts;
    private volatile TestServer current;
    private volatile String owner;

    /** Creates a per-class extension; used by {@code @ExtendWith(TestServerExtension.class)}. */
    public TestServerExtension() {
        this(false, false, b -> {}, Map.of());
    }

    private TestServerExtension(
            boolean perTest,
            boolean failOnUnconsumed,
            Consumer<TestServer.Builder> configuration,
            Map<String, Endpoint> mounts) {
        this.perTest = perTest;
        this.failOnUnconsumed = failOnUnconsumed;
        this.configuration = configuration;
        this.mounts = mounts;
    }

    /** Returns an extension that starts one server before all tests of the class and closes it after them. */
    public static TestServerExtension perClass() {
        return new TestServerExtension(false, false, b -> {}, Map.of());
    }

    /** Returns an extension that starts a fresh server before each test and closes it after. */
    public static TestServerExtension perTest() {
        return new TestServerExtension(true, false, b -> {}, Map.of());
    }

    /** Returns a copy that fails each test which leaves scripted answers in the queue. */
    public TestServerExtension failOnUnconsumedResponses() {
        return new TestServerExtension(perTest, true, configuration, mounts);
    }

    /** Returns a copy that serves HTTPS (see {@link TestServer.Builder#tls()}). */
    public TestServerExtension tls() {
        return configure(TestServer.Builder::tls);
    }

    /** Returns a copy that speaks HTTP/2 too (see {@link TestServer.Builder#http2()}). */
    public TestServerExtension http2() {
        return configure(TestServer.Builder::http2);
    }

    /**
     * Returns a copy that speaks HTTP/3 too, with TLS (see {@link TestServer.Builder#http3()}); where
     * {@link TestServer#http3Available()} is false, starting a server fails with the reason.
     */
    public TestServerExtension http3() {
        return configure(TestServer.Builder::http3);
    }

    /** Returns a copy that applies {@code customizer} to each server's builder before starting it. */
    public TestServerExtension configure(Consumer<TestServer.Builder> customizer) {
        return new TestServerExtension(perTest, failOnUnconsumed, configuration.andThen(customizer), mounts);
    }

    /**
     * Returns a copy that mounts {@code endpoint} on {@code path} before each test (see
     * {@link TestServer#mount(String, Endpoint)}), so every test of the class finds it there.
     * The endpoint is shared: what it records accumulates over the tests of the class.
     */
    public TestServerExtension mount(String path, Endpoint endpoint) {
        if (endpoint == null) {
            throw new IllegalArgumentException("endpoint must not be null");
        }
        Map<String, Endpoint> all = new LinkedHashMap<>(mounts);
        all.put(path, endpoint);
        return new TestServerExtension(perTest, failOnUnconsumed, configuration, Map.copyOf(all));
    }

    /**
     * Returns the running server.
     *
     * @throws IllegalStateException outside a test of a class using this extension
     */
    public TestServer server() {
        TestServer s = current;
        if (s == null) {
            throw new IllegalStateException("no TestServer is running: use server() inside a test");
        }
        return s;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (perTest || owner != null) {
            return;
        }
        owner = context.getUniqueId();
        if (current == null) {
            current = startServer();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // Nested classes see the same extension instance; only the class that started the server stops it.
        if (!perTest && context.getUniqueId().equals(owner)) {
            owner = null;
            stop();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (current == null) {
            // Per test, or registered on an instance field, where beforeAll never runs.
            current = startServer();
        } else {
            current.reset();
        }
        mounts.forEach(current::mount);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestServer s = current;
        int unused = s == null ? 0 : s.pendingResponseCount();
        boolean classScoped = !perTest && owner != null;
        if (!classScoped) {
            stop();
        }
        if (failOnUnconsumed && unused > 0 && context.getExecutionException().isEmpty()) {
            if (classScoped) {
                s.reset();
            }
            throw new AssertionError(unused + " scripted response(s) were enqueued but never served");
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        if (current == null) {
            // Constructor injection runs before beforeEach (and, for a per-class instance, before beforeAll).
            current = startServer();
        }
        return current;
    }

    private TestServer startServer() {
        TestServer.Builder builder = TestServer.builder();
        configuration.accept(builder);
        return builder.start();
    }

    private void stop() {
        TestServer s = current;
        current = null;
        if (s != null) {
            s.close();
        }
    }
}
