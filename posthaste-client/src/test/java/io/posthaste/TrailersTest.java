package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Trailer fields a server sends after the body (an HTTP/2 trailing HEADERS block, HTTP/1.1
 * chunked trailers) reach {@link Response#trailers()} and, once the body was read to its end,
 * {@link StreamingResponse#trailers()}; a response without any has empty trailers.
 */
class TrailersTest {

    /** The protocols trailers come by. */
    enum Wire {
        HTTP_1_1,
        H2C,
        H2_TLS;

        TestServer server() {
            return switch (this) {
                case HTTP_1_1 -> TestServer.start();
                case H2C -> TestServer.builder().http2().start();
                case H2_TLS -> TestServer.builder().tls().http2().start();
            };
        }

        ClientSession session(TestServer server) {
            return switch (this) {
                case HTTP_1_1 -> ClientSession.create();
                case H2C ->
                    ClientSession.builder()
                            .protocols(Protocol.H2_PRIOR_KNOWLEDGE)
                            .build();
                case H2_TLS ->
                    ClientSession.builder().trustManager(server.trustManager()).build();
            };
        }
    }

    private static MockResponse withTrailers() {
        return MockResponse.builder()
                .body("payload")
                .trailer("Grpc-Status", "0")
                .trailer("X-Checksum", "abc123")
                .build();
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aBufferedResponseCarriesTheTrailersThatFollowedItsBody(Wire wire) {
        try (TestServer server = wire.server();
                ClientSession session = wire.session(server)) {
            server.enqueue(withTrailers());
            server.enqueue(MockResponse.builder().body("plain").build());

            Response response = session.get(server.url("/t")).send();
            assertThat(response.text()).isEqualTo("payload");
            assertThat(response.trailers().get("grpc-status")).isEqualTo("0");
            assertThat(response.trailers().get("X-Checksum")).isEqualTo("abc123");
            assertThat(response.trailers().size()).isEqualTo(2);

            Response plain = session.get(server.url("/plain")).send();
            assertThat(plain.trailers().size()).as("none came").isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aStreamedResponseHasItsTrailersOnceTheBodyWasReadToItsEnd(Wire wire) throws Exception {
        try (TestServer server = wire.server();
                ClientSession session = wire.session(server)) {
            server.enqueue(withTrailers());
            try (StreamingResponse response = session.get(server.url("/t")).stream()) {
                InputStream body = response.body();
                assertThat(body.read()).isEqualTo('p');
                assertThatThrownBy(response::trailers)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("read it to its end");

                assertThat(new String(body.readAllBytes())).isEqualTo("ayload");
                assertThat(response.trailers().get("Grpc-Status")).isEqualTo("0");
                assertThat(response.trailers().get("x-checksum")).isEqualTo("abc123");
            }
            server.enqueue(MockResponse.builder().body("plain").build());
            try (StreamingResponse plain = session.get(server.url("/plain")).stream()) {
                plain.body().readAllBytes();
                assertThat(plain.trailers().size()).isZero();
            }
        }
    }
}
