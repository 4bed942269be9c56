package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Digest authentication against a server that checks the answer the way RFC 7616 says. */
class DigestAuthTest {

    private static String hash(String algorithm, String text) throws Exception {
        String name = algorithm.startsWith("SHA-256") ? "SHA-256" : "MD5";
        return HexFormat.of().formatHex(MessageDigest.getInstance(name).digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, String> params(String header) {
        Map<String, String> out = new HashMap<>();
        for (String part : header.substring("Digest ".length()).split(",\\s*")) {
            int eq = part.indexOf('=');
            out.put(part.substring(0, eq).trim(), part.substring(eq + 1).replace("\"", ""));
        }
        return out;
    }

    /** Challenges once (twice with a stale nonce first), then checks the response hash. */
    private static MockResponse answer(
            RecordedRequest request, String algorithm, AtomicInteger calls, boolean staleFirst) {
        String authorization = request.header("Authorization");
        int call = calls.incrementAndGet();
        String nonce = "nonce" + call;
        MockResponse challenge = MockResponse.builder()
                .status(401)
                .header(
                        "WWW-Authenticate",
                        "Digest realm=\"posthaste\", qop=\"auth\", algorithm=" + algorithm + ", nonce=\"" + nonce
                                + "\", opaque=\"op\"" + (staleFirst && call == 2 ? ", stale=true" : ""))
                .build();
        if (authorization == null || staleFirst && call == 2) {
            return challenge;
        }
        try {
            Map<String, String> p = params(authorization);
            String ha1 = hash(algorithm, "john:posthaste:s3cret");
            String ha2 = hash(algorithm, request.method() + ":" + p.get("uri"));
            String expected = hash(
                    algorithm, ha1 + ":" + p.get("nonce") + ":" + p.get("nc") + ":" + p.get("cnonce") + ":auth:" + ha2);
            boolean ok = expected.equals(p.get("response"))
                    && "op".equals(p.get("opaque"))
                    && p.get("uri").equals(request.target());
            return ok ? MockResponse.ok("welcome") : challenge;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MD5", "SHA-256"})
    void challengeIsAnsweredWithTheRightDigest(String algorithm) {
        AtomicInteger calls = new AtomicInteger();
        try (TestServer server = TestServer.builder()
                        .dispatcher(r -> answer(r, algorithm, calls, false))
                        .start();
                ClientSession session = ClientSession.create()) {
            Response response = session.post(server.url("/secret?x=1"))
                    .body("data", "text/plain")
                    .digestAuth("john", "s3cret")
                    .send();

            assertThat(response.text()).isEqualTo("welcome");
            assertThat(calls.get()).isEqualTo(2);
        }
    }

    @Test
    void aStaleNonceIsAnsweredOnceMore() {
        AtomicInteger calls = new AtomicInteger();
        try (TestServer server = TestServer.builder()
                        .dispatcher(r -> answer(r, "MD5", calls, true))
                        .start();
                ClientSession session = ClientSession.create()) {
            assertThat(session.get(server.url("/secret"))
                            .digestAuth("john", "s3cret")
                            .send()
                            .status())
                    .isEqualTo(200);
            assertThat(calls.get()).isEqualTo(3);
        }
    }

    @Test
    void aStreamedChallengeIsReleasedBeforeTheAnswerGoesOutOnTheOneConnection() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        // The challenge comes with a body too large to have been read with its head.
        try (TestServer server = TestServer.builder()
                        .dispatcher(r -> {
                            MockResponse answer = answer(r, "MD5", calls, false);
                            return answer.code() == 401
                                    ? answer.toBuilder()
                                            .body(new byte[512 * 1024])
                                            .build()
                                    : answer;
                        })
                        .start();
                ClientSession session =
                        ClientSession.builder().maxConnectionsPerOrigin(1).build()) {
            for (int i = 0; i < 3; i++) {
                try (StreamingResponse response = session
                        .get(server.url("/secret"))
                        .digestAuth("john", "s3cret")
                        .timeout(java.time.Duration.ofSeconds(10))
                        .stream()) {
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.body().readAllBytes()).asString().isEqualTo("welcome");
                }
            }
            ConnectionsAndTimeoutsTest.awaitIdle(session);
            assertThat(session.poolStats().leased())
                    .as("closing gives the connection back")
                    .isZero();
        }
    }

    @Test
    void aUserNameWithAControlCharacterIsRefusedWhereItIsGiven() {
        assertThatThrownBy(() -> ClientSession.builder().digestAuth("john\r\nX-Injected: 1", "s3cret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control characters");
        try (ClientSession session = ClientSession.create()) {
            assertThatThrownBy(() -> session.get("http://127.0.0.1:9/").digestAuth("john\n", "s3cret"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("control characters");
        }
    }

    @Test
    void wrongPasswordEndsWithTheServersAnswer() {
        AtomicInteger calls = new AtomicInteger();
        try (TestServer server = TestServer.builder()
                        .dispatcher(r -> answer(r, "MD5", calls, false))
                        .start();
                ClientSession session = ClientSession.create()) {
            assertThatThrownBy(() -> session.get(server.url("/secret"))
                            .digestAuth("john", "wrong")
                            .send())
                    .isInstanceOfSatisfying(
                            ClientResponseException.class,
                            e -> assertThat(e.status()).isEqualTo(401));
            assertThat(calls.get()).isEqualTo(2);
        }
    }

    @Test
    void digestConflictsWithOtherCredentials() {
        try (ClientSession session = ClientSession.create()) {
            assertThatThrownBy(() -> session.get("http://127.0.0.1:9/")
                            .basicAuth("a", "b")
                            .digestAuth("a", "b"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> session.get("http://u:p@127.0.0.1:9/")
                            .digestAuth("a", "b")
                            .send())
                    .isInstanceOf(InvalidRequestException.class);
        }
    }

    @Test
    void sessionDigestCredentialsAnswerChallengesFromTheBaseOriginOnly() {
        AtomicInteger calls = new AtomicInteger();
        try (TestServer server = TestServer.builder()
                        .dispatcher(r -> answer(r, "SHA-256", calls, false))
                        .start();
                TestServer other = TestServer.builder()
                        .dispatcher(r -> answer(r, "SHA-256", new AtomicInteger(), false))
                        .start();
                ClientSession session = ClientSession.builder()
                        .baseUrl(server.url("/"))
                        .digestAuth("john", "s3cret")
                        .build()) {
            assertThat(session.get("/secret").send().text()).isEqualTo("welcome");
            assertThatThrownBy(() -> session.get(other.url("/secret")).send())
                    .isInstanceOfSatisfying(
                            ClientResponseException.class,
                            e -> assertThat(e.status()).isEqualTo(401));
            assertThat(other.requestCount())
                    .as("no answer to another origin's challenge")
                    .isEqualTo(1);
        }
    }
}
