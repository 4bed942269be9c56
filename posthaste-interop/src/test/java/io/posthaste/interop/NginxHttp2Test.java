package io.posthaste.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.StreamingResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The HTTP/2 echo contract against nginx 1.22's HTTP/2 (config {@code nginx/nginx-h2.conf}) in
 * front of the ASGI echo app, which nginx reaches over HTTP/1.1: over TLS with {@code h2} by ALPN,
 * and over a cleartext {@code listen ... http2} port (h2c by prior knowledge; nginx 1.22 has no
 * {@code http2 on;} directive). nginx reads the whole request (also one of unknown length) before
 * it passes it on, and buffers the app's answer. Plus what nginx serves itself: a static file read
 * slowly, and its own 404.
 */
final class NginxHttp2Test extends Http2EchoContract {

    @RegisterExtension
    static final Http2Server NGINX = Http2Server.nginx();

    static final long STATIC = 32L * 1024 * 1024;
    static String staticSha256;

    @BeforeAll
    static void writeStaticFile() throws IOException {
        Path files = Files.createDirectories(NGINX.documentRoot().resolve("files"));
        Path big = TestFiles.random("nginx-h2-static-32MiB.bin", STATIC, 32);
        Files.move(big, files.resolve("big.bin"), StandardCopyOption.REPLACE_EXISTING);
        staticSha256 = TestFiles.sha256(files.resolve("big.bin"));
    }

    @Override
    Http2Server server() {
        return NGINX;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void staticFileNginxSendsItselfArrivesIntactWhenReadSlowly(Transport transport) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long read;
        try (ClientSession session = transport.open(NGINX);
                StreamingResponse response = session.get(transport.url(NGINX, "/files/big.bin")).stream();
                InputStream body = response.body()) {
            assertThat(response.version()).isEqualTo("HTTP/2");
            assertThat(response.headers().get("Content-Length")).isEqualTo(String.valueOf(STATIC));
            read = SlowReader.digest(body, digest);
        }

        assertThat(read).isEqualTo(STATIC);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(staticSha256);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void missingStaticFileRaisesNginxsNotFound(Transport transport) {
        try (ClientSession session = transport.open(NGINX)) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() ->
                    session.get(transport.url(NGINX, "/files/missing.txt")).send());

            assertThat(thrown).isInstanceOfSatisfying(ClientResponseException.class, e -> {
                assertThat(e.status()).isEqualTo(404);
                assertThat(e.bodyText()).contains("nginx");
            });
        }
    }
}
