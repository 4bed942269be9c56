package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedirectsAndInterceptorsTest {

    TestServer server;
    TestServer other;
    ClientSession session;

    @BeforeEach
    void start() {
        server = TestServer.start();
        other = TestServer.start();
        session = ClientSession.builder().sensitiveHeaders("X-Auth-Token").build();
    }

    @AfterEach
    void stop() {
        session.close();
        server.close();
        other.close();
    }

    private String redirectTo(TestServer from, String target, int status) {
        return from.url(
                "/redirect-to?url=" + URLEncoder.encode(target, StandardCharsets.UTF_8) + "&status_code=" + status);
    }

    @Test
    void redirectChainsAreFollowedAndKeptInHistory() {
        Response response = session.get(server.url("/redirect/3")).send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.url().getPath()).isEqualTo("/get");
        assertThat(response.history()).hasSize(3).allMatch(r -> r.status() == 302);
    }

    @Test
    void relativeLocationsAreResolvedAgainstTheCurrentUrl() {
        Response response = session.get(server.url("/relative-redirect/2")).send();
        assertThat(response.url().getPath()).isEqualTo("/get");
        assertThat(response.history()).hasSize(2);
    }

    @Test
    void tooManyRedirectsRaiseWithTheHistory() {
        try (ClientSession strict = ClientSession.builder().maxRedirects(2).build()) {
            assertThatThrownBy(() -> strict.get(server.url("/redirect/5")).send())
                    .isInstanceOfSatisfying(
                            TooManyRedirectsException.class,
                            e -> assertThat(e.history()).hasSize(3));
        }
        assertThatThrownBy(() -> session.get(server.url("/redirect/21")).send())
                .isInstanceOf(TooManyRedirectsException.class);
    }

    @Test
    void tooManyRedirectsNamesTheRequestMadeAndTheLastUrlButNoCredentials() {
        String start = redirectTo(other, server.url("/redirect/5"), 302).replace("http://", "http://john:s3cr3t@");
        try (ClientSession strict = ClientSession.builder().maxRedirects(2).build()) {
            assertThatThrownBy(() -> strict.get(start).send())
                    .isInstanceOf(TooManyRedirectsException.class)
                    .hasMessageStartingWith("GET " + redirectTo(other, server.url("/redirect/5"), 302) + ":")
                    .hasMessageContaining("more than 2 redirects")
                    .hasMessageContaining("the last was a 302 from " + server.url("/relative-redirect/4"))
                    .hasMessageNotContaining("s3cr3t")
                    .hasMessageNotContaining("john");
        }
    }

    @Test
    void seeOtherTurnsPostIntoGetWithoutBody() {
        session.post(redirectTo(server, "/anything", 303)).json(Map.of("a", 1)).send();

        server.takeRequest();
        RecordedRequest followed = server.takeRequest();
        assertThat(followed.method()).isEqualTo("GET");
        assertThat(followed.bodySize()).isZero();
        assertThat(followed.header("Content-Type")).isNull();
        assertThat(followed.header("Content-Length")).isNull();
    }

    @Test
    void foundAfterPostBecomesGetButTemporaryRedirectKeepsMethodAndBody() {
        session.post(redirectTo(server, "/anything", 302))
                .body("x=1", "text/plain")
                .send();
        session.post(redirectTo(server, "/anything", 307))
                .body("y=2", "text/plain")
                .send();

        server.takeRequest();
        assertThat(server.takeRequest().method()).isEqualTo("GET");
        server.takeRequest();
        RecordedRequest kept = server.takeRequest();
        assertThat(kept.method()).isEqualTo("POST");
        assertThat(kept.bodyUtf8()).isEqualTo("y=2");
        assertThat(kept.header("Content-Type")).isEqualTo("text/plain");
    }

    @Test
    void oneShotBodyCannotFollowATemporaryRedirect() {
        assertThatThrownBy(() -> session.post(redirectTo(server, "/anything", 307))
                        .body(new ByteArrayInputStream(new byte[10]), "application/octet-stream")
                        .send())
                .isInstanceOf(ClientPayloadException.class)
                .hasMessageContaining("one-shot");
    }

    @Test
    void missingLocationReturnsTheRedirectItself() {
        server.enqueue(MockResponse.builder().status(302).build());
        assertThat(session.get(server.url("/nowhere")).send().status()).isEqualTo(302);
    }

    @Test
    void nonHttpLocationsAreRefused() {
        server.enqueue(MockResponse.builder()
                .status(302)
                .header("Location", "file:///etc/passwd")
                .build());
        assertThatThrownBy(() -> session.get(server.url("/evil")).send())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("refusing");
    }

    @Test
    void credentialsAndSensitiveHeadersAreDroppedWhenLeavingTheOrigin() {
        session.get(redirectTo(server, other.url("/headers"), 302))
                .header("Authorization", "Bearer s3cret")
                .header("Cookie", "sid=1")
                .header("X-Auth-Token", "secret-token")
                .header("X-Plain", "kept")
                .send();

        RecordedRequest atOther = other.takeRequest();
        assertThat(atOther.header("Authorization")).isNull();
        assertThat(atOther.header("Cookie")).isNull();
        assertThat(atOther.header("X-Auth-Token")).isNull();
        assertThat(atOther.header("X-Plain")).isEqualTo("kept");
    }

    @Test
    void sensitiveHeadersStayOnASameOriginRedirect() {
        session.get(redirectTo(server, "/headers", 302))
                .header("X-Auth-Token", "secret-token")
                .send();

        server.takeRequest();
        assertThat(server.takeRequest().header("X-Auth-Token")).isEqualTo("secret-token");
    }

    @Test
    void headersDeclaredSensitiveAreMaskedWhereverHeadersArePrinted() {
        // The session declares X-Auth-Token sensitive; it is set here in another case.
        List<String> printed = new CopyOnWriteArrayList<>();
        Interceptor application = (request, chain) -> {
            printed.add(request.headers().toString());
            Request rebuilt = request.toBuilder().header("X-Other", "1").build();
            printed.add(rebuilt.headers().toString());
            return chain.proceed(rebuilt).thenApply(response -> {
                printed.add(response.headers().toString());
                response.history()
                        .forEach(hop ->
                                printed.add(hop.headers() + " " + hop.request().headers()));
                return response;
            });
        };
        Interceptor network = (request, chain) -> {
            printed.add(request.headers().toString());
            return chain.proceed(request);
        };
        server.enqueue(MockResponse.builder()
                .status(302)
                .header("Location", "/second")
                .header("x-auth-token", "secret-token")
                .build());
        server.enqueue(
                MockResponse.builder().header("X-Auth-Token", "secret-token").build());
        try (ClientSession s = ClientSession.builder()
                .sensitiveHeaders("X-Auth-Token")
                .addInterceptor(application)
                .addNetworkInterceptor(network)
                .build()) {
            Response echoed = s.get(server.url("/start"))
                    .header("x-auth-token", "secret-token")
                    .send();
            printed.add(echoed.headers().toString());
            Request built = s.get(server.url("/x"))
                    .header("X-AUTH-TOKEN", "secret-token")
                    .build();
            printed.add(built.headers().toString() + built);
            server.enqueue(MockResponse.builder()
                    .status(403)
                    .header("X-Auth-Token", "secret-token")
                    .build());
            assertThatThrownBy(() -> s.get(server.url("/denied"))
                            .header("X-Auth-Token", "secret-token")
                            .send())
                    .isInstanceOfSatisfying(
                            ClientResponseException.class, e -> printed.add(e.headers() + e.toString()));
        }

        assertThat(printed).hasSizeGreaterThan(10).noneMatch(text -> text.contains("secret-token"));
        assertThat(printed.get(0)).contains("x-auth-token: ██");
        assertThat(printed.get(1)).contains("x-auth-token: ██", "X-Other: 1");
    }

    @Test
    void headIsNotFollowedUnlessAsked() {
        assertThat(session.head(server.url("/redirect/1")).send().status()).isEqualTo(302);
        assertThat(session.head(server.url("/redirect/1"))
                        .followRedirects(true)
                        .send()
                        .status())
                .isEqualTo(200);
    }

    @Test
    void interceptorsRunInOnionOrderAndNetworkInterceptorsSeeEveryHop() {
        List<String> calls = new CopyOnWriteArrayList<>();
        Interceptor outer = (request, chain) -> {
            calls.add("outer>");
            return chain.proceed(request.toBuilder().header("X-Outer", "1").build())
                    .thenApply(r -> {
                        calls.add("<outer");
                        return r;
                    });
        };
        Interceptor inner = (request, chain) -> {
            calls.add("inner>" + request.headers().get("X-Outer"));
            return chain.proceed(request).thenApply(r -> {
                calls.add("<inner");
                return r;
            });
        };
        Interceptor network = (request, chain) -> {
            calls.add("net " + request.url().getPath());
            return chain.proceed(request);
        };
        try (ClientSession chained = ClientSession.builder()
                .addInterceptor(outer)
                .addInterceptor(inner)
                .addNetworkInterceptor(network)
                .build()) {
            chained.get(server.url("/redirect/1")).send();
        }
        assertThat(calls).containsExactly("outer>", "inner>1", "net /redirect/1", "net /get", "<inner", "<outer");
    }

    @Test
    void aRequestsOwnInterceptorListReplacesOrDisablesTheSessions() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Interceptor session1 = (request, chain) -> {
            seen.add("session");
            return chain.proceed(request);
        };
        Interceptor own = (request, chain) -> {
            seen.add("own");
            return chain.proceed(request);
        };
        try (ClientSession s = ClientSession.builder().addInterceptor(session1).build()) {
            s.get(server.url("/get")).send();
            s.get(server.url("/get")).interceptors(List.of(own)).send();
            s.get(server.url("/get")).interceptors(List.of()).send();
        }
        assertThat(seen).containsExactly("session", "own");
    }

    @Test
    void anInterceptorCanRetryAndSeesErrorsAsResponses() {
        server.enqueue(MockResponse.status(503));
        Interceptor retryOnce = (request, chain) -> chain.proceed(request)
                .thenCompose(r -> r.status() == 503 ? chain.proceed(request) : CompletableFuture.completedFuture(r));
        try (ClientSession s = ClientSession.builder().addInterceptor(retryOnce).build()) {
            assertThat(s.get(server.url("/get")).send().status()).isEqualTo(200);
        }
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void aReplacedBodyGetsANewContentLength() {
        Interceptor bigger = (request, chain) -> chain.proceed(
                request.toBuilder().body(Body.of("a much longer body")).build());
        try (ClientSession s = ClientSession.builder().addInterceptor(bigger).build()) {
            s.post(server.url("/post")).body("short", "text/plain").send();
        }
        RecordedRequest seen = server.takeRequest();
        assertThat(seen.bodyUtf8()).isEqualTo("a much longer body");
        assertThat(seen.header("Content-Length")).isEqualTo("18");
    }
}
