package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestProxy;
import io.posthaste.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Proxies, through the client's public API: an HTTP proxy forwarding {@code http://} requests in
 * absolute form and tunnelling {@code https://} ones with {@code CONNECT} (HTTP/2 still
 * negotiated through the tunnel), SOCKS5 with credentials, a request's own proxy, a
 * {@link ProxySelector}, the pool key, and every way a proxy fails (security checklist 35).
 * The proxies are {@link TestProxy}s; squid and microsocks are the interop tests'.
 */
class ProxyTest {

    private static final String PASSWORD = "s3cret-pw";

    private static ClientSession.Builder trusting(TestServer server) {
        return ClientSession.builder().trustManager(server.trustManager());
    }

    @Test
    void anHttpTargetGoesToAnHttpProxyInAbsoluteFormWithTheProxysCredentialsOnItsHead() {
        try (TestServer server = TestServer.start();
                TestProxy proxy = TestProxy.http().requireCredentials("u", PASSWORD);
                ClientSession session =
                        ClientSession.builder().proxy(proxy.url("u", PASSWORD)).build()) {
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            String head = proxy.takeHead();
            assertThat(head)
                    .startsWith("GET " + server.url("/get") + " HTTP/1.1\n")
                    .contains("\nProxy-Authorization: Basic dTpzM2NyZXQtcHc=");
            assertThat(server.takeRequest().target()).isEqualTo(server.url("/get"));
        }
    }

    @Test
    void aCallersOwnProxyAuthorizationGoesOnAForwardedHeadButTheProxyUrlsUserReplacesIt() {
        try (TestServer server = TestServer.start();
                TestProxy proxy = TestProxy.http();
                ClientSession session =
                        ClientSession.builder().proxy(proxy.url()).build()) {
            session.get(server.url("/get"))
                    .header("Proxy-Authorization", "Negotiate app-token")
                    .send();
            assertThat(proxy.takeHead()).contains("\nProxy-Authorization: Negotiate app-token");
            session.get(server.url("/get"))
                    .header("Proxy-Authorization", "Negotiate app-token")
                    .proxy(proxy.url("u", PASSWORD))
                    .send();
            assertThat(proxy.takeHead())
                    .contains("\nProxy-Authorization: Basic ")
                    .doesNotContain("app-token");
        }
    }

    @Test
    void anHttpsTargetGoesThroughAConnectTunnelAndStillNegotiatesHttp2() {
        try (TestServer server = TestServer.builder().tls().http2().start();
                TestProxy proxy = TestProxy.http();
                ClientSession session = trusting(server).proxy(proxy.url()).build()) {
            Response response = session.get(server.url("/get")).send();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.version()).isEqualTo("HTTP/2");
            assertThat(proxy.takeHead()).startsWith("CONNECT localhost:" + server.port() + " HTTP/1.1\n");
        }
    }

    @Test
    void proxyTunnelAsksForAConnectTunnelForHttpTargetsTooAndKeepsItsConnectionsApart() {
        try (TestServer server = TestServer.start();
                TestProxy proxy = TestProxy.http();
                ClientSession tunnelling = ClientSession.builder()
                        .proxy(proxy.url())
                        .proxyTunnel(true)
                        .build()) {
            assertThat(tunnelling.get(server.url("/get")).send().status()).isEqualTo(200);
            assertThat(proxy.takeHead()).startsWith("CONNECT 127.0.0.1:" + server.port() + " HTTP/1.1\n");
            assertThat(server.takeRequest().target())
                    .as("origin-form inside the tunnel")
                    .isEqualTo("/get");
            assertThat(tunnelling.get(server.url("/get")).send().status()).isEqualTo(200);
            assertThat(proxy.connectionCount())
                    .as("the tunnel is kept alive and reused")
                    .isEqualTo(1);
        }
    }

    @Test
    void theConnectRequestCarriesNoApplicationHeadersAndTheOriginNoProxyCredentials() {
        try (TestServer server = TestServer.builder().tls().start();
                TestProxy proxy = TestProxy.http().requireCredentials("u", PASSWORD);
                ClientSession session = trusting(server)
                        .proxy(proxy.url("u", PASSWORD))
                        .header("X-Session-Secret", "session-value")
                        .build()) {
            Response response = session.get(server.url("/get"))
                    .header("Authorization", "Bearer app-token")
                    .header("Cookie", "id=app-cookie")
                    .header("Proxy-Authorization", "Basic app-set")
                    .header("User-Agent", "app-agent")
                    .send();
            assertThat(response.status()).isEqualTo(200);
            String connect = proxy.takeHead();
            List<String> names = new ArrayList<>();
            for (String line : connect.split("\n")) {
                if (line.contains(": ")) {
                    names.add(line.substring(0, line.indexOf(':')).toLowerCase(java.util.Locale.ROOT));
                }
            }
            assertThat(names).as(connect).containsOnly("host", "proxy-authorization");
            assertThat(connect).doesNotContain("app-", "session-value");
            RecordedRequest atOrigin = server.takeRequest();
            assertThat(atOrigin.header("Authorization")).isEqualTo("Bearer app-token");
            assertThat(atOrigin.header("Proxy-Authorization")).isNull();
        }
    }

    @Test
    void a407AfterTheCredentialsWereTriedIsAProxyExceptionNamingTheProxyAndTargetButNotThePassword() {
        try (TestServer server = TestServer.builder().tls().start();
                TestProxy proxy = TestProxy.http().requireCredentials("u", "right");
                ClientSession session =
                        trusting(server).proxy(proxy.url("u", PASSWORD)).build()) {
            assertThatThrownBy(() -> session.get(server.url("/get")).send())
                    .isInstanceOfSatisfying(ProxyException.class, e -> {
                        assertThat(e.status()).isEqualTo(407);
                        assertThat(e.proxy()).isEqualTo("http://u@127.0.0.1:" + proxy.port());
                    })
                    .hasMessageContaining("GET " + server.url("/get"))
                    .hasMessageContaining("proxy http://u@127.0.0.1:" + proxy.port())
                    .hasMessageContaining("407 (Proxy Authentication Required) to the credentials given")
                    .hasMessageContaining("for localhost:" + server.port())
                    .hasMessageNotContaining(PASSWORD);
            assertThat(proxy.connectionCount()).as("no retry loop").isEqualTo(1);
        }
    }

    @Test
    void aProxyThatAsksForDigestIsAnsweredOnceOnANewConnection() {
        try (TestServer server = TestServer.builder().tls().start();
                TestProxy proxy = TestProxy.http().requireDigest("u", PASSWORD);
                ClientSession session =
                        trusting(server).proxy(proxy.url("u", PASSWORD)).build()) {
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            assertThat(proxy.takeHead())
                    .as("Basic first, as the proxy URL says nothing of the scheme")
                    .containsIgnoringCase("\nProxy-Authorization: Basic ");
            assertThat(proxy.takeHead())
                    .containsIgnoringCase("\nProxy-Authorization: Digest username=\"u\"")
                    .contains("uri=\"localhost:" + server.port() + "\"");
            assertThat(proxy.connectionCount()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @CsvSource({"GET, ", "POST, {\"a\":1}", "PUT, payload"})
    void aForwardedRequestToADigestProxyIsAnsweredOnceWithTheAbsoluteUriAndItsBody(String method, String body) {
        try (TestServer server = TestServer.start();
                TestProxy proxy = TestProxy.http().requireDigest("u", PASSWORD);
                ClientSession session =
                        ClientSession.builder().proxy(proxy.url("u", PASSWORD)).build()) {
            RequestBuilder request = session.request(method, server.url("/anything?q=1"));
            if (body != null) {
                request.body(body, "text/plain");
            }
            Response response = request.send();
            assertThat(response.status()).isEqualTo(200);
            assertThat(proxy.takeHead())
                    .as("Basic first, as the proxy URL says nothing of the scheme")
                    .containsIgnoringCase("\nProxy-Authorization: Basic ");
            assertThat(proxy.takeHead())
                    .startsWith(method + " " + server.url("/anything?q=1") + " HTTP/1.1\n")
                    .containsIgnoringCase("\nProxy-Authorization: Digest username=\"u\"")
                    .contains("uri=\"" + server.url("/anything?q=1") + "\"")
                    .doesNotContainIgnoringCase("Proxy-Authorization: Basic");
            RecordedRequest atOrigin = server.takeRequest();
            assertThat(atOrigin.method()).isEqualTo(method);
            assertThat(atOrigin.bodyUtf8()).isEqualTo(body == null ? "" : body);
        }
    }

    @Test
    void aWrongPasswordForAForwardingDigestProxyIsItsFinal407AfterOneAnswer() {
        try (TestServer server = TestServer.start();
                TestProxy proxy = TestProxy.http().requireDigest("u", "right");
                ClientSession session =
                        ClientSession.builder().proxy(proxy.url("u", PASSWORD)).build()) {
            Response response =
                    session.get(server.url("/get")).raiseForStatus(false).send();
            assertThat(response.status()).isEqualTo(407);
            assertThat(proxy.connectionCount())
                    .as("Basic, then one Digest answer: no loop")
                    .isEqualTo(2);
            assertThatThrownBy(() -> session.get(server.url("/get")).send())
                    .isInstanceOfSatisfying(
                            ClientResponseException.class,
                            e -> assertThat(e.status()).isEqualTo(407))
                    .hasMessageNotContaining(PASSWORD);
        }
    }

    @Test
    void aForwardedRequestWhoseBodyCannotBeSentAgainGetsTheProxysDigest407() {
        try (TestServer server = TestServer.start();
                TestProxy proxy = TestProxy.http().requireDigest("u", PASSWORD);
                ClientSession session =
                        ClientSession.builder().proxy(proxy.url("u", PASSWORD)).build()) {
            Response response = session.post(server.url("/post"))
                    .raiseForStatus(false)
                    .body(new ByteArrayInputStream("once".getBytes(StandardCharsets.UTF_8)), "text/plain")
                    .send();
            assertThat(response.status()).isEqualTo(407);
            assertThat(proxy.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void aStreamedDigest407IsReleasedBeforeTheAnswerGoesOut() throws Exception {
        try (TestServer server = TestServer.start();
                TestProxy proxy = TestProxy.http().requireDigest("u", PASSWORD);
                ClientSession session = ClientSession.builder()
                        .proxy(proxy.url("u", PASSWORD))
                        .maxConnectionsPerOrigin(1)
                        .build()) {
            for (int i = 0; i < 3; i++) {
                try (StreamingResponse response = session.get(server.url("/get")).stream()) {
                    assertThat(response.status()).isEqualTo(200);
                    response.body().readAllBytes();
                }
            }
            ConnectionsAndTimeoutsTest.awaitIdle(session);
            assertThat(session.poolStats().leased())
                    .as("closing gives the connection back")
                    .isZero();
        }
    }

    @Test
    void aWrongPasswordForADigestProxyIsA407ProxyExceptionAfterOneAnswer() {
        try (TestServer server = TestServer.builder().tls().start();
                TestProxy proxy = TestProxy.http().requireDigest("u", "right");
                ClientSession session =
                        trusting(server).proxy(proxy.url("u", PASSWORD)).build()) {
            assertThatThrownBy(() -> session.get(server.url("/get")).send())
                    .isInstanceOfSatisfying(
                            ProxyException.class, e -> assertThat(e.status()).isEqualTo(407))
                    .hasMessageNotContaining(PASSWORD);
            assertThat(proxy.connectionCount())
                    .as("Basic, then one Digest answer: no loop")
                    .isEqualTo(2);
        }
    }

    @ParameterizedTest
    @CsvSource({"FORBIDDEN, 403, 403 Forbidden", "BAD_GATEWAY, 502, 502 Bad Gateway"})
    void aConnectRefusedByTheProxyIsAProxyExceptionWithItsStatusAndNoRetry(
            TestProxy.Behaviour behaviour, int status, String said) {
        try (TestServer server = TestServer.builder().tls().start();
                TestProxy proxy = TestProxy.http().behave(behaviour);
                ClientSession session = trusting(server)
                        .proxy(proxy.url())
                        .retryPolicy(RetryPolicy.builder()
                                .maxAttempts(3)
                                .initialBackoff(Duration.ofMillis(1))
                                .build())
                        .build()) {
            assertThatThrownBy(() -> session.get(server.url("/get")).send())
                    .isInstanceOfSatisfying(
                            ProxyException.class, e -> assertThat(e.status()).isEqualTo(status))
                    .hasMessageContaining("proxy http://127.0.0.1:" + proxy.port() + " answered " + said
                            + " to CONNECT for localhost:" + server.port());
            assertThat(proxy.connectionCount())
                    .as("no retry loop, even with a retry policy")
                    .isEqualTo(1);
        }
    }

    @Test
    void aProxyThatClosesDuringConnectIsAProxyExceptionSayingSo() {
        try (TestServer server = TestServer.builder().tls().start();
                TestProxy proxy = TestProxy.http().behave(TestProxy.Behaviour.CLOSE);
                ClientSession session = trusting(server).proxy(proxy.url()).build()) {
            assertThatThrownBy(() -> session.get(server.url("/get")).send())
                    .isInstanceOfSatisfying(
                            ProxyException.class, e -> assertThat(e.status()).isEqualTo(-1))
                    .hasMessageContaining("proxy http://127.0.0.1:" + proxy.port()
                            + " closed the connection before it answered for localhost:" + server.port());
            assertThat(proxy.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void aProxyThatNeverAnswersIsAConnectTimeoutNamingTheProxyAndTarget() {
        try (TestServer server = TestServer.builder().tls().start();
                TestProxy proxy = TestProxy.http().behave(TestProxy.Behaviour.SILENT);
                ClientSession session = trusting(server)
                        .proxy(proxy.url())
                        .timeouts(Timeouts.defaults().toBuilder()
                                .connect(Duration.ofMillis(300))
                                .build())
                        .build()) {
            assertThatThrownBy(() -> session.get(server.url("/get")).send())
                    .isInstanceOfSatisfying(
                            ClientTimeoutException.class,
                            e -> assertThat(e.phase()).isEqualTo(ClientTimeoutException.Phase.CONNECT))
                    .hasMessageContaining("proxy http://127.0.0.1:" + proxy.port()
                            + " did not answer within the connect timeout for localhost:" + server.port());
        }
    }

    @Test
    void anUnreachableProxyIsAConnectionErrorNamingTheProxyAndTheTarget() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (ClientSession session = ClientSession.builder()
                .proxy("http://u:" + PASSWORD + "@127.0.0.1:" + closedPort)
                .build()) {
            assertThatThrownBy(() -> session.get("http://example.test/get").send())
                    .isInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining(
                            "cannot connect to proxy http://u@127.0.0.1:" + closedPort + " (for host example.test)")
                    .hasMessageNotContaining(PASSWORD);
        }
    }

    @Test
    void socks5WithCredentialsReachesHttpAndHttpsOriginsAndSocks5hLetsTheProxyLookTheNameUp() {
        try (TestServer plain = TestServer.start();
                TestServer tls = TestServer.builder().tls().http2().start();
                TestProxy proxy = TestProxy.socks5().requireCredentials("u", PASSWORD);
                ClientSession session =
                        trusting(tls).proxy(proxy.url("u", PASSWORD)).build()) {
            assertThat(session.get(plain.url("/get")).send().status()).isEqualTo(200);
            assertThat(proxy.takeHead()).isEqualTo("CONNECT 127.0.0.1:" + plain.port());
            assertThat(session.get(tls.url("/get")).send().version()).isEqualTo("HTTP/2");
            assertThat(proxy.takeHead())
                    .as("socks5: the client looked the name up")
                    .isEqualTo("CONNECT 127.0.0.1:" + tls.port());
            assertThat(session.get(tls.url("/get"))
                            .proxy("socks5h://u:" + PASSWORD + "@127.0.0.1:" + proxy.port())
                            .send()
                            .status())
                    .isEqualTo(200);
            assertThat(proxy.takeHead())
                    .as("socks5h: the proxy looks it up")
                    .isEqualTo("CONNECT localhost:" + tls.port());
        }
    }

    @Test
    void socks4aSendsTheNameAndItsUserIdAndARefusalIsAProxyException() {
        try (TestServer plain = TestServer.start();
                TestServer tls = TestServer.builder().tls().start();
                TestProxy proxy = TestProxy.socks5().requireCredentials("who", "unused")) {
            String url = "socks4a://who@127.0.0.1:" + proxy.port();
            try (ClientSession session = trusting(tls).proxy(url).build()) {
                assertThat(session.get(plain.url("/get")).send().status()).isEqualTo(200);
                assertThat(proxy.takeHead()).isEqualTo("CONNECT 127.0.0.1:" + plain.port() + " user who");
                assertThat(session.get(tls.url("/get")).send().status()).isEqualTo(200);
                assertThat(proxy.takeHead())
                        .as("the proxy looks the name up")
                        .isEqualTo("CONNECT localhost:" + tls.port() + " user who");
            }
            try (ClientSession session = trusting(tls)
                    .proxy("socks4a://nobody@127.0.0.1:" + proxy.port())
                    .build()) {
                assertThatThrownBy(() -> session.get(tls.url("/get")).send())
                        .isInstanceOf(ProxyException.class)
                        .hasMessageContaining(
                                "proxy socks4a://nobody@127.0.0.1:" + proxy.port() + " refused the connection (")
                        .hasMessageContaining("for localhost:" + tls.port());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"FORBIDDEN, connection not allowed", "BAD_GATEWAY, host unreachable"})
    void aSocksRefusalIsAProxyExceptionNamingTheProxyAndTarget(TestProxy.Behaviour behaviour, String ignored) {
        try (TestServer server = TestServer.start();
                TestProxy proxy = TestProxy.socks5().behave(behaviour);
                ClientSession session =
                        ClientSession.builder().proxy(proxy.url()).build()) {
            assertThatThrownBy(() -> session.get(server.url("/get")).send())
                    .isInstanceOfSatisfying(
                            ProxyException.class, e -> assertThat(e.status()).isEqualTo(-1))
                    .hasMessageContaining("proxy socks5://127.0.0.1:" + proxy.port() + " refused the connection (")
                    .hasMessageContaining("for 127.0.0.1:" + server.port());
            assertThat(proxy.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void wrongSocksCredentialsAreAProxyExceptionThatHidesThePassword() {
        try (TestServer server = TestServer.start();
                TestProxy proxy = TestProxy.socks5().requireCredentials("u", "right");
                ClientSession session =
                        ClientSession.builder().proxy(proxy.url("u", PASSWORD)).build()) {
            assertThatThrownBy(() -> session.get(server.url("/get")).send())
                    .isInstanceOf(ProxyException.class)
                    .hasMessageContaining(
                            "proxy socks5://u@127.0.0.1:" + proxy.port() + " refused the credentials given")
                    .hasMessageNotContaining(PASSWORD);
        }
    }

    @Test
    void aRequestsOwnProxyOrNoProxyReplacesTheSessions() {
        try (TestServer server = TestServer.start();
                TestProxy sessionProxy = TestProxy.http();
                TestProxy requestProxy = TestProxy.http();
                ClientSession session =
                        ClientSession.builder().proxy(sessionProxy.url()).build()) {
            assertThat(session.get(server.url("/get")).noProxy().send().status())
                    .isEqualTo(200);
            assertThat(session.get(server.url("/get")).proxy("direct").send().status())
                    .isEqualTo(200);
            assertThat(session.get(server.url("/get"))
                            .proxy(requestProxy.url())
                            .send()
                            .status())
                    .isEqualTo(200);
            assertThat(sessionProxy.connectionCount()).isZero();
            assertThat(requestProxy.takeHead()).startsWith("GET " + server.url("/get"));
        }
    }

    @Test
    void aConnectionIsReusedOnlyForRequestsThatTakeTheSameRoute() {
        try (TestServer server = TestServer.start();
                TestProxy proxy = TestProxy.http();
                ClientSession session = ClientSession.builder().build()) {
            session.get(server.url("/get")).send();
            session.get(server.url("/get")).proxy(proxy.url("alice", "a")).send();
            session.get(server.url("/get")).proxy(proxy.url("bob", "b")).send();
            session.get(server.url("/get")).proxy(proxy.url("alice", "a")).send();
            session.get(server.url("/get")).send();
            assertThat(proxy.connectionCount())
                    .as("one per proxy user, none reused across users")
                    .isEqualTo(2);
            assertThat(server.connectionCount())
                    .as("direct, and one relayed per proxy connection")
                    .isEqualTo(3);
        }
    }

    @Test
    void aProxySelectorChoosesPerRequestAndDirectMeansNone() {
        try (TestServer server = TestServer.start();
                TestProxy proxy = TestProxy.http()) {
            List<URI> asked = new ArrayList<>();
            ProxySelector selector = new ProxySelector() {
                @Override
                public List<Proxy> select(URI uri) {
                    asked.add(uri);
                    return uri.getPath() != null && !uri.getPath().isEmpty()
                            ? List.of(Proxy.NO_PROXY)
                            : List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", proxy.port())));
                }

                @Override
                public void connectFailed(URI uri, SocketAddress address, IOException e) {}
            };
            try (ClientSession session =
                    ClientSession.builder().proxySelector(selector).build()) {
                assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            }
            assertThat(asked).containsExactly(URI.create("http://127.0.0.1:" + server.port()));
            assertThat(proxy.takeHead()).startsWith("GET " + server.url("/get"));
        }
    }

    private static String pem(java.security.cert.X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    @Test
    void anHttpsProxyCarriesHttpAndHttpsTargetsOverTlsToTheProxy(@TempDir Path dir) throws Exception {
        try (TestServer plain = TestServer.start();
                TestServer tls = TestServer.builder().tls().http2().start();
                TestProxy proxy = TestProxy.https().requireCredentials("u", PASSWORD)) {
            Path ca = Files.writeString(dir.resolve("cas.pem"), pem(proxy.certificate()) + pem(tls.certificate()));
            try (ClientSession session = ClientSession.builder()
                    .trustPemOnly(ca)
                    .proxy(proxy.url("u", PASSWORD))
                    .build()) {
                assertThat(session.get(plain.url("/get")).send().status()).isEqualTo(200);
                assertThat(proxy.takeHead())
                        .startsWith("GET " + plain.url("/get") + " HTTP/1.1\n")
                        .containsIgnoringCase("\nProxy-Authorization: Basic ");
                Response response = session.get(tls.url("/get")).send();
                assertThat(response.version())
                        .as("TLS in TLS, ALPN still picks h2")
                        .isEqualTo("HTTP/2");
                assertThat(proxy.takeHead()).startsWith("CONNECT localhost:" + tls.port());
            }
        }
    }

    @Test
    void anHttpsProxysCertificateIsVerifiedLikeAnyServers() {
        try (TestServer server = TestServer.builder().tls().start();
                TestProxy proxy = TestProxy.https();
                ClientSession session = trusting(server).proxy(proxy.url()).build()) {
            assertThatThrownBy(() -> session.get(server.url("/get")).send())
                    .isInstanceOfSatisfying(
                            ClientConnectionException.class,
                            e -> assertThat(e.isTlsFailure()).isTrue());
            assertThat(server.connectionCount())
                    .as("nothing went on to the origin")
                    .isZero();
        }
    }

    @Test
    void anHttpsProxysHostNameIsVerifiedLikeAnyServers(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.builder().tls().start();
                TestProxy proxy = TestProxy.https()) {
            Path ca = Files.writeString(dir.resolve("cas.pem"), pem(proxy.certificate()) + pem(server.certificate()));
            HostResolver proxyTestIsLoopback = host -> List.of(java.net.InetAddress.getLoopbackAddress());
            try (ClientSession session = ClientSession.builder()
                    .trustPemOnly(ca)
                    .resolver(proxyTestIsLoopback)
                    .proxy("https://proxy.test:" + proxy.port())
                    .build()) {
                assertThatThrownBy(() -> session.get(server.url("/get")).send())
                        .as("the proxy's certificate names localhost, not proxy.test")
                        .isInstanceOfSatisfying(
                                ClientConnectionException.class,
                                e -> assertThat(e.isTlsFailure()).isTrue());
            }
            try (ClientSession session = ClientSession.builder()
                    .trustPemOnly(ca)
                    .proxy("https://localhost:" + proxy.port())
                    .build()) {
                assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            }
        }
    }

    @Test
    void thePoolKeyIncludesTheProxySoAStricterRequestNeverReusesALooserConnection() throws Exception {
        // The only per-request connection settings are the route's; every TLS setting is the
        // session's, and a session's pool is its own (checklist 44, CVE-2024-35195).
        try (TestServer server = TestServer.builder().tls().start();
                TestProxy proxy = TestProxy.http();
                ClientSession loose =
                        ClientSession.builder().insecureDisableTlsVerification().build();
                ClientSession strict =
                        ClientSession.builder().proxy(proxy.url()).build()) {
            assertThat(loose.get(server.url("/get")).send().status()).isEqualTo(200);
            assertThatThrownBy(() -> strict.get(server.url("/get")).noProxy().send())
                    .as("a verified session never finds the unverified connection")
                    .isInstanceOf(ClientConnectionException.class);
            assertThatThrownBy(() -> strict.get(server.url("/get")).send())
                    .as("nor does a request through a proxy reuse a direct connection, or skip verification")
                    .isInstanceOf(ClientConnectionException.class);
            assertThat(proxy.takeHead()).startsWith("CONNECT localhost:" + server.port());
        }
    }

    @Test
    void proxyVariablesAreReadOnlyWhenTheSessionTrustsTheEnvironment() {
        try (ClientSession session = ClientSession.create()) {
            assertThat(session.config().routes()).isSameAs(io.posthaste.internal.proxy.Routes.DIRECT);
        }
        try (ClientSession session = ClientSession.builder().trustEnv(false).build()) {
            assertThat(session.config().routes()).isSameAs(io.posthaste.internal.proxy.Routes.DIRECT);
        }
    }

    @Test
    void anAsyncCallThroughATunnelCompletesAndTheTunnelIsReused() throws Exception {
        try (TestServer server = TestServer.builder().tls().http2().start();
                TestProxy proxy = TestProxy.http();
                ClientSession session = trusting(server).proxy(proxy.url()).build()) {
            List<java.util.concurrent.CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(session.get(server.url("/get")).sendAsync());
            }
            for (var call : calls) {
                assertThat(call.get(10, java.util.concurrent.TimeUnit.SECONDS).status())
                        .isEqualTo(200);
            }
            assertThat(proxy.connectionCount())
                    .as("one HTTP/2 tunnel carries them all")
                    .isEqualTo(1);
        }
    }

    @Test
    void aMalformedProxyUrlIsRejectedWithoutQuotingItsPassword() {
        assertThatThrownBy(() -> ClientSession.builder().proxy("ftp://u:" + PASSWORD + "@proxy:21"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported proxy scheme 'ftp'")
                .hasMessageNotContaining(PASSWORD);
        for (String injected :
                new String[] {"u%0D%0AX-Injected:%20y:" + PASSWORD, "u:" + PASSWORD + "%0A", "u%00:pw"}) {
            assertThatThrownBy(() -> ClientSession.builder().proxy("http://" + injected + "@proxy:3128"))
                    .as("a control character would split the head sent to the proxy")
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("control character")
                    .hasMessageNotContaining(PASSWORD);
        }
        assertThatThrownBy(() -> ClientSession.builder()
                        .proxy("http://proxy:3128")
                        .unixSocket(java.nio.file.Path.of("/x"))
                        .build())
                .isInstanceOf(IllegalStateException.class);
    }
}
