package io.posthaste.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.ClientSession;
import io.posthaste.internal.url.RequestUrl;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * Focused reproductions of what {@link UrlProperties#joiningToABaseUrlFollowsRfc3986} found:
 * {@code RequestUrl.resolve} delegates to {@link java.net.URI#resolve}, which implements RFC 2396,
 * while the client documents RFC 3986 §5.2. These tests fail until the client resolves as
 * RFC 3986 says (RFC 3986 §5.4 lists both cases among its examples).
 */
class UrlJoinRegressionTest {

    /** RFC 3986 §5.4.2: "../../../g" against "http://a/b/c/d;p?q" is "http://a/g". */
    @Test
    void dotSegmentsAboveTheRootAreRemovedNotSentToTheServer() {
        RequestUrl base = RequestUrl.parse("http://example.com/api/");
        assertThat(RequestUrl.resolve(base, "../../admin").target()).isEqualTo("/admin");
        assertThat(RequestUrl.resolve(base, "/../admin").target()).isEqualTo("/admin");
    }

    /** RFC 3986 §5.4.1: "?y" against "http://a/b/c/d;p?q" is "http://a/b/c/d;p?y". */
    @Test
    void queryOnlyReferenceKeepsTheWholeBasePath() {
        RequestUrl base = RequestUrl.parse("http://example.com/api/items");
        assertThat(RequestUrl.resolve(base, "?page=2").target()).isEqualTo("/api/items?page=2");
    }

    /** The same query-only case through the public API: the server sees the wrong path. */
    @Test
    void sessionWithBaseUrlSendsAQueryOnlyRequestToTheBasePath() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.builder()
                        .baseUrl(server.url("/api/items"))
                        .raiseForStatus(false)
                        .build()) {
            server.enqueue(MockResponse.ok("ok"));
            session.get("?page=2").send();
            assertThat(server.takeRequest().target()).isEqualTo("/api/items?page=2");
        }
    }
}
