package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.posthaste.testing.Fault;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input from the caller never reaches the wire: header injection from every source, control
 * characters in the request line, URLs that parse differently in different parsers, rewrites by
 * interceptors. Secrets never show in messages; a retry sends the same bytes again.
 */
class CallerInputTest {

    // Fresh per test, so that one test's recorded requests never answer another's questions.
    static TestServer server;
    static ClientSession session;

    @BeforeEach
    void start() {
        server = TestServer.start();
        session = ClientSession.create();
    }

    @AfterEach
    void stop() {
        session.close();
        server.close();
    }

    private static void rejectedBeforeSending(Consumer<RequestBuilder> mistake) {
        int before = server.requestCount();
        RequestBuilder request = session.post(server.url("/post"));
        Throwable thrown = catchThrowable(() -> {
            mistake.accept(request);
            request.send();
        });
        assertThat(thrown).isInstanceOfAny(InvalidRequestException.class, IllegalArgumentException.class);
        assertThat(server.requestCount()).as("nothing sent").isEqualTo(before);
    }

    @Test
    void headerInjectionIsRejectedFromEverySource() {
        for (String name : List.of("Host", "Content-Type", "Content-Length", "X-Custom", "Authorization")) {
            for (String evil : List.of("a\r\nX-Injected: 1", "a\nb", "a\rb", "a\u0000b")) {
                rejectedBeforeSending(r -> r.header(name, evil));
            }
        }
        rejectedBeforeSending(r -> r.body("x", "text/plain\r\nX-Injected: 1"));
        rejectedBeforeSending(r -> r.bearerAuth("t\r\nX-Injected: 1"));
        for (String badName : List.of("X(", "X:", "", "X\u00e9", "X Y", "X\r\n")) {
            rejectedBeforeSending(r -> r.header(badName, "v"));
        }
        assertThatThrownBy(() -> ClientSession.builder().header("X-Default", "a\r\nX-Injected: 1"))
                .isInstanceOfAny(InvalidRequestException.class, IllegalArgumentException.class);
    }

    @Test
    void anInterceptorCannotSmuggleAHeaderOrABadUrl() {
        Interceptor addsBadHeader = (request, chain) ->
                chain.proceed(request.toBuilder().header("X", "a\nb").build());
        Interceptor rewritesUrl = (request, chain) -> chain.proceed(request.toBuilder()
                .url("http://a\\b@127.0.0.1:" + server.port() + "/")
                .build());
        for (Interceptor interceptor : List.of(addsBadHeader, rewritesUrl)) {
            int before = server.requestCount();
            try (ClientSession intercepted =
                    ClientSession.builder().addInterceptor(interceptor).build()) {
                assertThatThrownBy(() -> intercepted.get(server.url("/get")).send())
                        .isInstanceOfAny(InvalidRequestException.class, IllegalArgumentException.class);
            }
            assertThat(server.requestCount()).isEqualTo(before);
        }
    }

    @Test
    void aQueryMapAppendsItsEntriesInIterationOrderAfterEverythingBeforeAndKeepsRepeats() {
        Map<String, String> more = new java.util.LinkedHashMap<>();
        more.put("b", "2");
        more.put("a", "3");
        more.put("x y", "\u00e9&=");

        session.get(server.url("/get?a=0"))
                .query("a", "1")
                .query(more)
                .query("c", "4")
                .send();

        assertThat(server.takeRequest().target()).isEqualTo("/get?a=0&a=1&b=2&a=3&x%20y=%C3%A9%26%3D&c=4");
    }

    @Test
    void aNullInAQueryMapIsRejectedNamingTheParameterBeforeAnythingIsAdded() {
        Map<String, String> nullValue = new java.util.LinkedHashMap<>();
        nullValue.put("fine", "1");
        nullValue.put("page", null);
        Map<String, String> nullName = new java.util.HashMap<>();
        nullName.put(null, "7");
        RequestBuilder request = session.get(server.url("/get"));

        assertThatThrownBy(() -> request.query(nullValue))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("value of query parameter 'page' is null");
        assertThatThrownBy(() -> request.query(nullName))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("a query parameter name is null");
        assertThatThrownBy(() -> request.query((Map<String, String>) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("parameters");
        request.send();
        assertThat(server.takeRequest().target())
                .as("a rejected map adds nothing")
                .isEqualTo("/get");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/?a\r\nb", "/?a b", "/a b", "/#a\u0000", "/a\tb", "/\u0000"})
    void controlCharactersAndSpacesInTheRequestLineAreRejected(String target) {
        int before = server.requestCount();
        assertThatThrownBy(() -> session.get("http://127.0.0.1:" + server.port() + target)
                        .send())
                .isInstanceOf(InvalidRequestException.class);
        assertThat(server.requestCount()).isEqualTo(before);
    }

    @Test
    void aBadMethodIsRejected() {
        for (String method : List.of("G\u0000T", "GET /x HTTP/1.1\r\n", "GE T", "")) {
            assertThatThrownBy(() -> session.request(method, server.url("/get")))
                    .isInstanceOfAny(InvalidRequestException.class, IllegalArgumentException.class);
        }
    }

    @Test
    void trickyButValidRequestsEachArriveAsExactlyOneRequest() {
        // The smuggling oracle: whatever the caller passes, the server parses one request per call.
        List<Consumer<RequestBuilder>> tricky = List.of(
                r -> r.query("q", "a\r\nb"),
                r -> r.query("q", "%0d%0aX-Injected: 1"),
                r -> r.query("\u00fc\u00f1\u00ee", "\u20ac \u0000"),
                r -> r.header("X-Long", "v".repeat(8000)),
                r -> r.formField("a\r\nb", "c\r\n\r\nGET / HTTP/1.1"),
                r -> r.body("GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n", "text/plain"),
                r -> r.json(Map.of("k", "\r\n\r\nGET / HTTP/1.1\r\n")));
        for (Consumer<RequestBuilder> call : tricky) {
            int before = server.requestCount();
            RequestBuilder request = session.post(server.url("/post/\u00e4%20x"));
            call.accept(request);
            assertThat(request.send().status()).isEqualTo(200);
            RecordedRequest seen = server.takeRequest();
            assertThat(seen.target()).startsWith("/post/%C3%A4%20x").doesNotContain(" ", "\r", "\n");
            assertThat(server.requestCount()).isEqualTo(before + 1);
            assertThat(server.takeRequest(Duration.ofMillis(50)))
                    .as("no second request")
                    .isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://evil.example#@127.0.0.1/",
                "http://evil.example?@127.0.0.1/",
                "http://127.0.0.1\\@evil.example/",
                "http://a%2Fb@127.0.0.1/",
                "http://a@b@127.0.0.1/",
                "http://127.0.0.1%2F.evil.example/",
                "http://127.0.0.1%40evil.example/"
            })
    void theHostConnectedToIsTheHostJavaNetUriSeesOrTheUrlIsRejected(String url) {
        RequestUrlProbe.Parsed parsed = RequestUrlProbe.parse(url);
        if (parsed.rejected()) {
            return;
        }
        String uriHost = URI.create(url.replace("\\", "%5C")).getHost();
        assertThat(parsed.host()).as(url).isEqualTo(uriHost);
    }

    @Test
    void secretsNeverAppearInMessagesOrToString() {
        Headers headers = Headers.builder()
                .add("Authorization", "Bearer s3cr3t")
                .add("Cookie", "sid=s3cr3t")
                .add("Proxy-Authorization", "Basic s3cr3t")
                .build();
        assertThat(headers.toString()).doesNotContain("s3cr3t");
        Request request = session.get(server.url("/get"))
                .header("Authorization", "Bearer s3cr3t")
                .header("Cookie", "sid=s3cr3t")
                .build();
        assertThat(request.toString()).doesNotContain("s3cr3t");

        server.enqueue(MockResponse.builder().fault(Fault.STALL).build());
        try (ClientSession impatient = ClientSession.builder()
                .timeouts(Timeouts.builder().read(Duration.ofMillis(200)).build())
                .build()) {
            assertThatThrownBy(() -> impatient
                            .get(server.url("/stall"))
                            .bearerAuth("s3cr3t")
                            .send())
                    .isInstanceOf(ClientTimeoutException.class)
                    .satisfies(e -> assertThat(e.toString()).doesNotContain("s3cr3t"));
        }
        String withUser = "http://john:s3cr3t@127.0.0.1:1/";
        assertThatThrownBy(() -> session.get(withUser).send())
                .isInstanceOf(ClientConnectionException.class)
                .satisfies(e -> assertThat(e.toString()).doesNotContain("s3cr3t"));
    }

    @Test
    void aRetrySendsTheSameRequestAgainByteForByte() {
        RetryPolicy quick = RetryPolicy.builder()
                .maxAttempts(2)
                .initialBackoff(Duration.ofMillis(10))
                .retryNonIdempotent(true)
                .build();
        server.enqueue(MockResponse.builder().status(503).build());
        try (ClientSession retrying = ClientSession.builder().retryPolicy(quick).build()) {
            retrying.post(server.url("/post"))
                    .header("Host", "api.test:8080")
                    .header("X-Trace", "1")
                    .form(Map.of("a", "1", "b", "2"))
                    .send();
        }
        RecordedRequest first = server.takeRequest();
        RecordedRequest second = server.takeRequest();
        assertThat(second.target()).isEqualTo(first.target());
        assertThat(second.headers()).isEqualTo(first.headers());
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.header("Host")).isEqualTo("api.test:8080");
    }

    /** Reaches the parser through the public API: a request built but never sent. */
    private static final class RequestUrlProbe {
        record Parsed(boolean rejected, String host) {}

        static Parsed parse(String url) {
            try {
                return new Parsed(false, session.get(url).build().url().getHost());
            } catch (InvalidRequestException | IllegalArgumentException rejected) {
                return new Parsed(true, null);
            }
        }
    }

    @Test
    void urlCredentialsStayWithTheirOrigin() {
        try (TestServer other = TestServer.start()) {
            server.enqueue(MockResponse.builder()
                    .status(302)
                    .header("Location", other.url("/get"))
                    .build());
            String withUser = server.url("/start").replace("http://", "http://john:pw@");
            assertThat(session.get(withUser).send().status()).isEqualTo(200);
            assertThat(server.takeRequest().header("Authorization")).isEqualTo("Basic am9objpwdw==");
            RecordedRequest away = other.takeRequest();
            assertThat(away.header("Authorization")).isNull();
            assertThat(away.header("Referer")).as("no Referer is ever sent").isNull();
        }
    }

    @Test
    void multipartNamesAreEscapedAndPartTypesCannotInjectHeaders() {
        Multipart quoted = Multipart.builder().field("a\"b", "v").build();
        session.post(server.url("/post")).multipart(quoted).send();
        RecordedRequest seen = server.takeRequest();
        assertThat(seen.parts())
                .singleElement()
                .satisfies(part -> assertThat(part.name()).isEqualTo("a%22b"));
        assertThatThrownBy(() -> MediaType.parse("text/plain\r\nX-Injected: 1"))
                .isInstanceOfAny(InvalidRequestException.class, IllegalArgumentException.class);
    }
}
