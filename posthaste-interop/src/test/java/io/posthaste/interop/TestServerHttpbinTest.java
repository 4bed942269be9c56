package io.posthaste.interop;

import io.posthaste.testing.TestServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The httpbin contract against posthaste-testing's embedded {@code TestServer}: the baseline the
 * real httpbin run ({@link GunicornHttpbinTest}) is held to, and proof that TestServer's echo
 * routes answer like httpbin where the client depends on it.
 */
final class TestServerHttpbinTest extends HttpbinContract {

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.perClass();

    @Override
    String url(String path) {
        String base = SERVER.server().url("/");
        return base.substring(0, base.length() - 1) + path;
    }
}
