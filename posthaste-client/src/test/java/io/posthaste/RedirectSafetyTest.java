package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.Fault;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a redirecting server can and cannot make the client do: credentials stay with their
 * origin along a whole chain, whether the host, the port or only the scheme changes (and a 401
 * from the new origin is never answered with them); https never falls back to http unless the
 * session allows it; methods
 * and bodies change exactly as RFC 9110 says, bad Location values are refused before any byte
 * goes anywhere; oversized cookies are dropped; an early 413 is an answer, not a broken pipe.
 */
class RedirectSafetyTest {

    TestServer a;
    TestServer b;
    TestServer c;
    ClientSession session;

    @BeforeEach
    void start() {
        a = TestServer.start();
        b = TestServer.start();
        c = TestServer.start();
        session = ClientSession.create();
    }

    @AfterEach
    void stop() {
        session.close();
        a.close();
        b.close();
        c.close();
    }

    private static MockResponse redirect(int status, String location) {
        return MockResponse.builder()
                .status(status)
                .header("Location", location)
                .build();
    }

    @Test
    void credentialsFollowAChainOnlyWhileItStaysOnTheirOrigin() {
        a.enqueue(redirect(302, a.url("/second")));
        a.enqueue(redirect(307, b.url("/third")));
        b.enqueue(redirect(302, c.url("/get")));
        session.get(a.url("/first"))
                .header("Authorization", "Bearer s3cret")
                .header("Proxy-Authorization", "Basic cHJveHk6cHc=")
                .header("Cookie", "sid=1")
                .send();

        a.takeRequest();
        RecordedRequest secondHopOnA = a.takeRequest();
        assertThat(secondHopOnA.header("Authorization")).isEqualTo("Bearer s3cret");
        for (RecordedRequest away : List.of(b.takeRequest(), c.takeRequest())) {
            assertThat(away.header("Authorization")).isNull();
            assertThat(away.header("Proxy-Authorization")).isNull();
            assertThat(away.header("Cookie")).isNull();
        }
    }

    /** A session that finds every host name on this machine, so one server answers to many names. */
    private static ClientSession loopbackSession(ClientSession.Builder builder) {
        return builder.resolver(host -> List.of(InetAddress.getLoopbackAddress()))
                .build();
    }

    private static RequestBuilder withCredentials(RequestBuilder request) {
        return request.header("Authorization", "Bearer s3cret")
                .header("Proxy-Authorization", "Basic cHJveHk6cHc=")
                .header("Cookie", "sid=1");
    }

    private static void assertCredentialsKept(RecordedRequest request) {
        assertThat(request.header("Authorization")).isEqualTo("Bearer s3cret");
        assertThat(request.header("Proxy-Authorization")).isEqualTo("Basic cHJveHk6cHc=");
        assertThat(request.header("Cookie")).isEqualTo("sid=1");
    }

    private static void assertCredentialsDropped(RecordedRequest request) {
        assertThat(request.header("Authorization")).as("Authorization").isNull();
        assertThat(request.header("Proxy-Authorization"))
                .as("Proxy-Authorization")
                .isNull();
        assertThat(request.header("Cookie")).as("Cookie").isNull();
    }

    @Test
    void aChangeOfHostAloneLeavesTheOriginAndOnlyTheTargetsOwnJarCookiesGo() {
        // Both names lead to server a, on its one port: only the host name changes.
        String first = "http://first.test:" + a.port();
        String second = "http://second.test:" + a.port();
        try (ClientSession byName = loopbackSession(ClientSession.builder())) {
            byName.get(second + "/cookies/set?own=1").send();
            a.takeRequest();
            a.takeRequest();
            a.enqueue(redirect(302, second + "/anything/landing"));
            withCredentials(byName.get(first + "/start")).send();

            assertCredentialsKept(a.takeRequest());
            RecordedRequest landing = a.takeRequest();
            assertThat(landing.header("Host")).isEqualTo("second.test:" + a.port());
            assertThat(landing.header("Authorization")).isNull();
            assertThat(landing.header("Proxy-Authorization")).isNull();
            assertThat(landing.header("Cookie"))
                    .as("the target's own cookie, not the caller's")
                    .isEqualTo("own=1");
        }
    }

    @Test
    void aChangeOfSchemeAloneLeavesTheOrigin() {
        // One port serving both plain HTTP and TLS: only the scheme changes.
        try (TestServer both = TestServer.builder().tls().plainToo().start();
                ClientSession upgrading =
                        loopbackSession(ClientSession.builder().trustManager(both.trustManager()))) {
            both.enqueue(redirect(302, "https://localhost:" + both.port() + "/anything/landing"));
            withCredentials(upgrading.get("http://localhost:" + both.port() + "/start"))
                    .send();

            RecordedRequest start = both.takeRequest();
            assertThat(start.tls()).isFalse();
            assertCredentialsKept(start);
            RecordedRequest landing = both.takeRequest();
            assertThat(landing.tls()).isTrue();
            assertCredentialsDropped(landing);
        }
    }

    @Test
    void fromHttpsToHttpIsRefusedUnlessAllowedAndThenLeavesTheOrigin() {
        try (TestServer both = TestServer.builder().tls().plainToo().start();
                ClientSession strict = loopbackSession(ClientSession.builder().trustManager(both.trustManager()));
                ClientSession allowing = loopbackSession(ClientSession.builder()
                        .trustManager(both.trustManager())
                        .allowHttpsToHttpRedirects(true))) {
            String secure = "https://localhost:" + both.port() + "/start";
            String plain = "http://localhost:" + both.port() + "/anything/landing";
            both.enqueue(redirect(302, plain));
            assertThatThrownBy(() -> withCredentials(strict.get(secure)).send())
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("https to http");
            assertThat(both.takeRequest().tls()).isTrue();
            assertThat(both.takeRequest(Duration.ofMillis(200)))
                    .as("nothing sent over http")
                    .isNull();

            both.enqueue(redirect(302, plain));
            withCredentials(allowing.get(secure)).send();
            assertCredentialsKept(both.takeRequest());
            RecordedRequest landing = both.takeRequest();
            assertThat(landing.tls()).isFalse();
            assertCredentialsDropped(landing);
        }
    }

    @Test
    void aChallengeFromTheNewOriginIsNeverAnsweredWithTheOldCredentials() {
        a.enqueue(redirect(302, b.url("/secret")));
        b.enqueue(MockResponse.builder()
                .status(401)
                .header("WWW-Authenticate", "Digest realm=\"b\", qop=\"auth\", nonce=\"n\"")
                .build());
        assertThatThrownBy(() -> session.get(a.url("/start"))
                        .digestAuth("john", "s3cret")
                        .send())
                .isInstanceOfSatisfying(
                        ClientResponseException.class,
                        e -> assertThat(e.status()).isEqualTo(401));
        assertThat(b.requestCount()).isEqualTo(1);
        assertThat(b.takeRequest().header("Authorization")).isNull();
    }

    @Test
    void movedPermanentlyAfterPostBecomesABodilessGetAndPermanentRedirectKeepsThePost() {
        a.enqueue(redirect(301, "/get"));
        session.post(a.url("/form")).form(Map.of("k", "v")).send();
        a.takeRequest();
        RecordedRequest followed = a.takeRequest();
        assertThat(followed.method()).isEqualTo("GET");
        assertThat(followed.bodySize()).isZero();
        assertThat(followed.header("Content-Type")).isNull();
        assertThat(followed.header("Content-Length")).isNull();

        a.enqueue(redirect(308, "/post"));
        session.post(a.url("/form")).form(Map.of("k", "v")).send();
        a.takeRequest();
        RecordedRequest kept = a.takeRequest();
        assertThat(kept.method()).isEqualTo("POST");
        assertThat(kept.bodyUtf8()).isEqualTo("k=v");

        a.enqueue(redirect(308, "/post"));
        assertThatThrownBy(() -> session.post(a.url("/stream"))
                        .body(new ByteArrayInputStream(new byte[10]), "application/octet-stream")
                        .send())
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("one-shot");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ftp://127.0.0.1/",
                "javascript:alert(1)",
                "file:///etc/passwd",
                "http://exa mple.com/",
                "http://[::1",
                "http://127.0.0.1:99999/",
                "data:text/plain,hi"
            })
    void badLocationsAreRefusedWithoutSendingAnything(String location) {
        a.enqueue(redirect(302, location));
        assertThatThrownBy(() -> session.get(a.url("/evil")).send()).isInstanceOf(InvalidRequestException.class);
        assertThat(a.requestCount()).isEqualTo(1);
    }

    @Test
    void twentyOneHopsRaiseTooManyRedirects() {
        for (int i = 0; i < 21; i++) {
            a.enqueue(redirect(302, "/hop" + i));
        }
        try (ClientSession patient = ClientSession.builder().maxRedirects(20).build()) {
            assertThatThrownBy(() -> patient.get(a.url("/start")).send())
                    .isInstanceOfSatisfying(
                            TooManyRedirectsException.class,
                            e -> assertThat(e.history()).hasSize(21));
        }
    }

    @Test
    void anOversizedCookieIsDropped() {
        CookieJar jar = CookieJar.inMemory();
        URI site = URI.create("https://www.example.com/");
        jar.save(site, List.of("big=" + "x".repeat(5000), "fine=1"));
        assertThat(jar.all()).extracting(Cookie::name).containsExactly("fine");
    }

    @Test
    void anEarlyRefusalOfALargeUploadIsTheAnswerNotABrokenPipe() throws InterruptedException {
        a.enqueue(MockResponse.builder()
                .status(413)
                .body("too big")
                .fault(Fault.RESPOND_BEFORE_BODY)
                .build());
        assertThatThrownBy(() -> session.post(a.url("/upload"))
                        .body(new byte[20 << 20], "application/octet-stream")
                        .send())
                .isInstanceOfSatisfying(
                        ClientResponseException.class,
                        e -> assertThat(e.status()).isEqualTo(413));
        a.enqueue(MockResponse.builder()
                .status(401)
                .body("who?")
                .fault(Fault.RESPOND_BEFORE_BODY)
                .build());
        assertThatThrownBy(() -> session.post(a.url("/upload"))
                        .body(new byte[20 << 20], "application/octet-stream")
                        .send())
                .isInstanceOfSatisfying(
                        ClientResponseException.class,
                        e -> assertThat(e.status()).isEqualTo(401));
        ConnectionsAndTimeoutsTest.awaitIdle(session);
        assertThat(session.poolStats().leased()).isZero();
    }
}
