package io.posthaste.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.posthaste.ClientConnectionException;
import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.HostResolver;
import io.posthaste.ProxyException;
import io.posthaste.Response;
import io.posthaste.examples.BlogExamples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client against real proxies and servers ({@link ProxyLab}): the blog's five examples through
 * squid (with and without Basic credentials) and microsocks (SOCKS5 with a user and password,
 * names looked up here or by the proxy) to an http origin (httpbin) and an https one (nginx with
 * HTTP/2, its certificate from the run's private CA), and over nginx's Unix socket; squid's 407
 * and microsocks' refusal as typed errors; mutual TLS with nginx, directly and through squid; and
 * squid as an HTTPS proxy (nginx ending TLS in front of it), whose certificate and name are
 * verified like any server's.
 */
final class ProxyInteropTest {

    @RegisterExtension
    static final ProxyLab LAB = new ProxyLab();

    @TempDir
    Path workDir;

    /** Runs the five examples (and the async one) on {@code session} against {@code baseUrl}. */
    private void runTheFiveExamples(ClientSession session, String baseUrl) {
        BlogExamples.writeReportPdf(workDir);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        BlogExamples examples =
                new BlogExamples(session, baseUrl, workDir, new PrintStream(printed, true, StandardCharsets.UTF_8));

        JsonNode json = examples.postJson().json();
        assertThat(json.at("/json/key1").asText()).isEqualTo("value1");
        assertThat(json.at("/headers/Proxy-Authorization").isMissingNode())
                .as("the proxy's credentials never reach the origin")
                .isTrue();
        assertThat(examples.postForm().json().at("/form/username").asText()).isEqualTo("john");
        assertThat(examples.uploadFile().json().at("/files/upload_file").asText())
                .startsWith("data:application/pdf;base64,");
        JsonNode headers = examples.getWithHeaders().json();
        assertThat(headers.at("/headers/X-Auth-Token").asText()).isEqualTo("secret-token");
        ClientResponseException error = examples.createWithError().orElseThrow();
        assertThat(error.status()).isEqualTo(422);
        try {
            Response async = examples.postJsonAsync().get(20, TimeUnit.SECONDS);
            assertThat(async.json().at("/json/key2").asText()).isEqualTo("value2");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0} to the {1} origin")
    @CsvSource({
        "squid, http", "squid, https",
        "squid with Basic auth, http", "squid with Basic auth, https",
        "microsocks socks5, http", "microsocks socks5, https",
        "microsocks socks5h, http", "microsocks socks5h, https",
        "squid behind TLS, http", "squid behind TLS, https",
        "squid with Basic auth behind TLS, http", "squid with Basic auth behind TLS, https",
    })
    void theFiveExamplesPassThroughEachProxyKind(String proxyKind, String origin) {
        String proxy = switch (proxyKind) {
            case "squid" -> LAB.squid(false);
            case "squid with Basic auth" -> LAB.squid(true);
            case "squid behind TLS" -> LAB.httpsSquid(false);
            case "squid with Basic auth behind TLS" -> LAB.httpsSquid(true);
            case "microsocks socks5" -> LAB.socks("socks5");
            default -> LAB.socks("socks5h");
        };
        String base = origin.equals("http") ? LAB.httpOrigin("/") : LAB.httpsOrigin("/");
        try (ClientSession session =
                ClientSession.builder().trustPem(LAB.caPem()).proxy(proxy).build()) {
            runTheFiveExamples(session, base);
            if (proxyKind.startsWith("squid") && origin.equals("http")) {
                // httpbin hides Via unless asked to show the proxies' headers.
                JsonNode seen = session.get(LAB.httpOrigin("/headers?show_env=1"))
                        .send()
                        .json();
                assertThat(seen.at("/headers/Via").asText())
                        .as("squid forwarded the request")
                        .contains("(squid/");
            }
            if (origin.equals("https")) {
                assertThat(session.get(LAB.httpsOrigin("/get")).send().version())
                        .as("ALPN through the tunnel")
                        .isEqualTo("HTTP/2");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "https"})
    void aSquidThatAsksForDigestIsAnsweredAndWrongCredentialsAreA407(String origin) {
        // https: the CONNECT is answered; http: each forwarded request is sent again with the answer.
        String base = origin.equals("http") ? LAB.httpOrigin("/") : LAB.httpsOrigin("/");
        try (ClientSession session = ClientSession.builder()
                .trustPem(LAB.caPem())
                .proxy(LAB.digestSquid())
                .build()) {
            runTheFiveExamples(session, base);
        }
        if (origin.equals("http")) {
            String forwardedWrong = LAB.digestSquid().replace(ProxyLab.PASSWORD, "wrong-pw");
            try (ClientSession session =
                    ClientSession.builder().proxy(forwardedWrong).build()) {
                assertThat(session.get(LAB.httpOrigin("/get"))
                                .raiseForStatus(false)
                                .send()
                                .status())
                        .as("a forwarded request's final 407 is its response")
                        .isEqualTo(407);
            }
            return;
        }
        String wrong = LAB.digestSquid().replace(ProxyLab.PASSWORD, "wrong-pw");
        try (ClientSession session =
                ClientSession.builder().trustPem(LAB.caPem()).proxy(wrong).build()) {
            assertThatThrownBy(() -> session.get(LAB.httpsOrigin("/get")).send())
                    .isInstanceOfSatisfying(
                            ProxyException.class, e -> assertThat(e.status()).isEqualTo(407))
                    .hasMessageNotContaining("wrong-pw");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "https"})
    void anHttpsProxyWhoseCertificateIsNotTrustedIsATlsFailureAndNothingReachesTheOrigin(String origin) {
        String refusedPath = "/anything/refused-" + origin + "-" + System.nanoTime();
        String base = origin.equals("http") ? LAB.httpOrigin("") : LAB.httpsOrigin("");
        // The system's roots only: neither the proxy's certificate nor the origin's is trusted,
        // and the proxy is the first met: nothing goes past it.
        try (ClientSession session =
                ClientSession.builder().proxy(LAB.httpsSquid(true)).build()) {
            assertThatThrownBy(() -> session.get(base + refusedPath).send())
                    .isInstanceOfSatisfying(
                            ClientConnectionException.class,
                            e -> assertThat(e.isTlsFailure()).isTrue())
                    .hasMessageContaining("PKIX path building failed")
                    .hasMessageContaining("proxy https://" + ProxyLab.USER + "@127.0.0.1:")
                    .hasMessageNotContaining(ProxyLab.PASSWORD);
        }
        // The same way, trusting the run's CA, reaches httpbin, whose log is then known to be
        // written past the refused request's time: that request never came.
        String trustedPath = "/anything/trusted-" + origin + "-" + System.nanoTime();
        try (ClientSession session = ClientSession.builder()
                .trustPem(LAB.caPem())
                .proxy(LAB.httpsSquid(true))
                .build()) {
            assertThat(session.get(base + trustedPath).send().status()).isEqualTo(200);
        }
        awaitHttpbinLogged(trustedPath);
        assertThat(LAB.httpbinLogged(refusedPath))
                .as("httpbin saw " + refusedPath)
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "https"})
    void anHttpsProxysHostNameIsVerifiedAgainstItsCertificate(String origin) {
        // The run's certificate names localhost and 127.0.0.1: the same proxy, reached by another
        // name for the same address, is not the server the certificate is for. Its CA alone is
        // trusted, so the refusal's reason is the name, not an unknown issuer.
        String target = origin.equals("http") ? LAB.httpOrigin("/get") : LAB.httpsOrigin("/get");
        HostResolver everyNameIsLoopback = host -> List.of(InetAddress.getLoopbackAddress());
        String misnamed = LAB.httpsSquid(false).replace("127.0.0.1", "proxy.test");
        try (ClientSession session = ClientSession.builder()
                .trustPemOnly(LAB.caPem())
                .resolver(everyNameIsLoopback)
                .proxy(misnamed)
                .build()) {
            assertThatThrownBy(() -> session.get(target).send())
                    .isInstanceOfSatisfying(
                            ClientConnectionException.class,
                            e -> assertThat(e.isTlsFailure()).isTrue())
                    .hasMessageContaining("proxy https://proxy.test:")
                    .hasMessageContaining("No subject alternative DNS name matching proxy.test");
        }
        String named = LAB.httpsSquid(false).replace("127.0.0.1", "localhost");
        try (ClientSession session = ClientSession.builder()
                .trustPem(LAB.caPem())
                .resolver(everyNameIsLoopback)
                .proxy(named)
                .build()) {
            assertThat(session.get(target).send().status())
                    .as("by a name on its certificate")
                    .isEqualTo(200);
        }
    }

    /** Waits (5 s at most) until httpbin's access log has a request for {@code path}. */
    private static void awaitHttpbinLogged(String path) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!LAB.httpbinLogged(path)) {
            assertThat(System.nanoTime())
                    .as("httpbin logged " + path + " within 5 s")
                    .isLessThan(deadline);
            // Polling a log file a child process appends to; nothing to wait on instead.
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void theFiveExamplesPassOverNginxsUnixSocketWithTheHostUnchanged() {
        try (ClientSession session =
                ClientSession.builder().unixSocket(LAB.unixSocket()).build()) {
            runTheFiveExamples(session, "http://docker.invalid/");
            assertThat(session.get("http://docker.invalid/headers")
                            .send()
                            .json()
                            .at("/headers/Host")
                            .asText())
                    .isEqualTo("docker.invalid");
        }
    }

    @Test
    void squidsAnswer407ToMissingOrWrongCredentialsIsAProxyException() {
        String withoutCredentials = LAB.squid(true).replace(ProxyLab.USER + ":" + ProxyLab.PASSWORD + "@", "");
        String wrongPassword = LAB.squid(true).replace(ProxyLab.PASSWORD, "wrong-pw");
        for (String proxy : new String[] {withoutCredentials, wrongPassword}) {
            try (ClientSession session =
                    ClientSession.builder().trustPem(LAB.caPem()).proxy(proxy).build()) {
                assertThatThrownBy(() -> session.get(LAB.httpsOrigin("/get")).send())
                        .isInstanceOfSatisfying(
                                ProxyException.class,
                                e -> assertThat(e.status()).isEqualTo(407))
                        .hasMessageContaining("407")
                        .hasMessageNotContaining("wrong-pw");
                assertThat(session.get(LAB.httpOrigin("/get"))
                                .raiseForStatus(false)
                                .send()
                                .status())
                        .as("a forwarded request gets squid's 407 as its response")
                        .isEqualTo(407);
            }
        }
    }

    @Test
    void microsocksRefusingTheCredentialsIsAProxyException() {
        String wrong = LAB.socks("socks5").replace(ProxyLab.PASSWORD, "wrong-pw");
        try (ClientSession session = ClientSession.builder().proxy(wrong).build()) {
            assertThatThrownBy(() -> session.get(LAB.httpOrigin("/get")).send())
                    .isInstanceOf(ProxyException.class)
                    .hasMessageContaining("proxy socks5://" + ProxyLab.USER + "@127.0.0.1:")
                    .hasMessageNotContaining("wrong-pw");
        }
    }

    @Test
    void mutualTlsWithNginxTakesOneLineDirectlyAndThroughSquid() {
        for (String proxy : new String[] {"direct", LAB.squid(true)}) {
            try (ClientSession session = ClientSession.builder()
                    .trustPem(LAB.caPem())
                    .clientCertificate(LAB.clientCertificate(), LAB.clientKey())
                    .proxy(proxy)
                    .build()) {
                assertThat(session.get(LAB.mutualTlsOrigin("/")).send().text())
                        .isEqualTo("client CN=posthaste client,O=interop\n");
            }
        }
        try (ClientSession anonymous =
                ClientSession.builder().trustPem(LAB.caPem()).build()) {
            Response refused = anonymous
                    .get(LAB.mutualTlsOrigin("/"))
                    .raiseForStatus(false)
                    .send();
            assertThat(refused.status())
                    .as("nginx: no required SSL certificate was sent")
                    .isEqualTo(400);
        } catch (ClientConnectionException tls13Refusal) {
            // Under TLS 1.3 nginx may end the handshake instead: refused either way.
            assertThat(tls13Refusal.isTlsFailure()).isTrue();
        }
    }
}
