package io.posthaste.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.ClientConnectionException;
import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.Response;
import io.posthaste.StreamingResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against nginx 1.22 (config in {@code src/test/resources/nginx/nginx.conf}): a 64 MiB
 * static file streamed to disk intact, gzip from nginx decoded, connections that nginx ends after
 * three requests ({@code keepalive_requests 3}) replaced without a failed request, an early 413 for
 * an upload over {@code client_max_body_size} reported as such with the session still usable,
 * {@code return}-made redirects and 204s, HEAD, and TLS with a certificate made for the run:
 * accepted when trusted, a TLS failure when not.
 */
final class NginxTest {

    @RegisterExtension
    static final NginxServer NGINX = new NginxServer();

    static final long BIG = 64L * 1024 * 1024;
    static final String HELLO = "Hello from nginx, served as a static file.\n".repeat(200);

    static ClientSession session;
    static String bigSha256;

    @BeforeAll
    static void writeFilesAndOpenSession() throws IOException {
        Path big = TestFiles.random("nginx-static-64MiB.bin", BIG, 64);
        Files.move(big, NGINX.documentRoot().resolve("big.bin"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        bigSha256 = TestFiles.sha256(NGINX.documentRoot().resolve("big.bin"));
        Files.writeString(NGINX.documentRoot().resolve("hello.txt"), HELLO, StandardCharsets.UTF_8);
        session = ClientSession.create();
    }

    @AfterAll
    static void closeSession() {
        session.close();
    }

    @Test
    void largeStaticFileIsStreamedToDiskIntact(@TempDir Path dir) throws InterruptedException {
        Path saved = dir.resolve("big.bin");
        long written;
        try (StreamingResponse response = session.get(NGINX.url("/big.bin")).stream()) {
            assertThat(response.headers().get("Content-Length")).isEqualTo(String.valueOf(BIG));
            written = response.saveTo(saved);
        }

        assertThat(written).isEqualTo(BIG);
        assertThat(TestFiles.sha256(saved)).isEqualTo(bigSha256);
        assertThat(Pools.settled(session).leased()).isZero();
    }

    @Test
    void textGzippedByNginxIsDecoded() {
        Response response = session.get(NGINX.url("/hello.txt")).send();

        assertThat(response.text()).isEqualTo(HELLO);
        assertThat(response.headers().get("Content-Type")).startsWith("text/plain");
    }

    @Test
    void nginxReallyGzipsTheText() {
        try (ClientSession raw = ClientSession.builder().decompress(false).build()) {
            Response response = raw.get(NGINX.url("/hello.txt"))
                    .header("Accept-Encoding", "gzip")
                    .send();

            assertThat(response.headers().get("Content-Encoding")).isEqualTo("gzip");
            assertThat(response.bytes()).startsWith(0x1f, 0x8b).hasSizeLessThan(HELLO.length() / 10);
        }
    }

    @Test
    void sequentialRequestsSurviveNginxClosingEachConnectionAfterThree() {
        try (ClientSession fresh = ClientSession.create()) {
            Set<String> connections = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                Response response = fresh.get(NGINX.url("/hello.txt")).send();
                assertThat(response.text()).isEqualTo(HELLO);
                assertThat(Integer.parseInt(response.headers().get("X-Connection-Requests")))
                        .isBetween(1, 3);
                connections.add(response.headers().get("X-Connection"));
            }

            // 20 requests at most 3 per connection: at least 7 connections, all but the last full.
            assertThat(connections).hasSizeBetween(7, 20);
        }
    }

    @Test
    void concurrentRequestsSurviveNginxClosingEachConnectionAfterThree() throws Exception {
        try (ClientSession fresh = ClientSession.create()) {
            for (int round = 0; round < 2; round++) {
                List<CompletableFuture<Response>> pending = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    pending.add(fresh.get(NGINX.url("/hello.txt"))
                            .query("i", String.valueOf(i))
                            .sendAsync());
                }
                for (CompletableFuture<Response> answer : pending) {
                    assertThat(answer.get(20, TimeUnit.SECONDS).text()).isEqualTo(HELLO);
                }
            }
        }
    }

    @Test
    void uploadOverClientMaxBodySizeRaises413AndTheSessionKeepsWorking() {
        byte[] fiveMiB = new byte[5 * 1024 * 1024];

        assertThatThrownBy(() -> session.post(NGINX.url("/upload"))
                        .body(fiveMiB, "application/octet-stream")
                        .send())
                .isInstanceOfSatisfying(
                        ClientResponseException.class,
                        e -> assertThat(e.status()).isEqualTo(413));
        assertThat(session.post(NGINX.url("/upload"))
                        .body("small", "text/plain")
                        .send()
                        .text())
                .isEqualTo("accepted POST 5\n");
        assertThat(session.get(NGINX.url("/hello.txt")).send().status()).isEqualTo(200);
    }

    @Test
    void redirectsMadeByReturnAreFollowed() {
        Response moved = session.get(NGINX.url("/moved")).send();
        Response found = session.get(NGINX.url("/found")).send();

        assertThat(moved.text()).isEqualTo(HELLO);
        assertThat(moved.history())
                .singleElement()
                .satisfies(hop -> assertThat(hop.status()).isEqualTo(301));
        assertThat(found.url().toString()).isEqualTo(NGINX.url("/hello.txt"));
        assertThat(found.history())
                .singleElement()
                .satisfies(hop -> assertThat(hop.status()).isEqualTo(302));
    }

    @Test
    void temporaryRedirectResendsThePostWithItsBody() {
        Response response = session.post(NGINX.url("/temporary"))
                .body("12345678", "text/plain")
                .send();

        assertThat(response.history())
                .singleElement()
                .satisfies(hop -> assertThat(hop.status()).isEqualTo(307));
        assertThat(response.text()).isEqualTo("accepted POST 8\n");
    }

    @Test
    void noContentAnswerHasAnEmptyBodyAndLeavesTheConnectionUsable() {
        Response empty = session.get(NGINX.url("/empty")).send();

        assertThat(empty.status()).isEqualTo(204);
        assertThat(empty.bytes()).isEmpty();
        assertThat(session.get(NGINX.url("/hello.txt")).send().text()).isEqualTo(HELLO);
    }

    @Test
    void headOnALargeFileGivesItsLengthWithoutItsBody() {
        Response head = session.head(NGINX.url("/big.bin")).send();

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.headers().get("Content-Length")).isEqualTo(String.valueOf(BIG));
        assertThat(head.bytes()).isEmpty();
        assertThat(session.get(NGINX.url("/hello.txt")).send().text()).isEqualTo(HELLO);
    }

    @Test
    void tlsWithTheRunsCertificateTrustedServesFiles(@TempDir Path dir) {
        try (ClientSession tls =
                ClientSession.builder().trustManager(NGINX.trustManager()).build()) {
            assertThat(tls.get(NGINX.httpsUrl("/hello.txt")).send().text()).isEqualTo(HELLO);

            Path saved = dir.resolve("big.bin");
            try (StreamingResponse response = tls.get(NGINX.httpsUrl("/big.bin")).stream()) {
                assertThat(response.saveTo(saved)).isEqualTo(BIG);
            }
            assertThat(TestFiles.sha256(saved)).isEqualTo(bigSha256);
        }
    }

    @Test
    void tlsWithAnUntrustedCertificateIsATlsFailure() {
        // The default session trusts the JDK's CAs only; nginx's certificate was made for this run.
        try (ClientSession untrusting = ClientSession.create()) {
            assertThatThrownBy(
                            () -> untrusting.get(NGINX.httpsUrl("/hello.txt")).send())
                    .isInstanceOfSatisfying(
                            ClientConnectionException.class,
                            e -> assertThat(e.isTlsFailure()).isTrue());
            assertThat(untrusting.poolStats().leased()).isZero();
        }
    }
}
