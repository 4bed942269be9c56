package io.posthaste.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.Response;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The httpbin contract against real httpbin 0.7.0 served by gunicorn 20.1, plus the routes only
 * real httpbin has (TestServer implements none of them, so they cannot be part of the shared
 * contract): digest authentication, brotli, {@code /encoding/utf8} and {@code /image/png}.
 */
final class GunicornHttpbinTest extends HttpbinContract {

    @RegisterExtension
    static final RealServer HTTPBIN = RealServer.httpbin();

    @Override
    String url(String path) {
        return HTTPBIN.url(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"MD5", "SHA-256"})
    void digestAuthAnswersHttpbinsChallenge(String algorithm) {
        JsonNode ok = session.get(url("/digest-auth/auth/dana/pa55/" + algorithm))
                .digestAuth("dana", "pa55")
                .send()
                .json();

        assertThat(ok.get("authenticated").asBoolean()).isTrue();
        assertThat(ok.get("user").asText()).isEqualTo("dana");
    }

    @Test
    void digestAuthWithWrongPasswordRaises401() {
        assertThatThrownBy(() -> session.get(url("/digest-auth/auth/dana/pa55/MD5"))
                        .digestAuth("dana", "nope")
                        .send())
                .isInstanceOfSatisfying(
                        ClientResponseException.class,
                        e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void brotliBodyIsDecodedWhenBrotliIsOffered() {
        // httpbin compresses /brotli whatever the request offers; the client decodes it only when
        // brotli4j's native library loaded (it then offers br, as the contract test checks).
        org.junit.jupiter.api.Assumptions.assumeTrue(
                ClientSession.contentCodings().contains("br"),
                "brotli4j's native library did not load on this platform");

        JsonNode seen = session.get(url("/brotli")).send().json();

        assertThat(seen.get("brotli").asBoolean()).isTrue();
    }

    @Test
    void utf8TextRouteDecodesWithTheCharsetOfItsContentType() {
        Response response = session.get(url("/encoding/utf8")).send();

        // Debian strips the UTF-8 demo page (it is not DFSG-free) and serves a short ASCII note
        // instead, so this only proves the charset is honoured; aiohttp's /text route in
        // AiohttpServerTest checks non-ASCII text in UTF-8 and Latin-1.
        assertThat(response.contentType())
                .hasValueSatisfying(type -> assertThat(type.toString()).contains("utf-8"));
        assertThat(response.text())
                .isEqualTo(new String(response.bytes(), StandardCharsets.UTF_8))
                .isNotBlank();
    }

    @Test
    void pngImageArrivesWithItsContentTypeAndSignature() {
        Response response = session.get(url("/image/png")).send();

        assertThat(response.headers().get("Content-Type")).isEqualTo("image/png");
        assertThat(response.bytes()).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
    }
}
