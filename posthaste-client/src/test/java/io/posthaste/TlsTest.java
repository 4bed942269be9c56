package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder().tls().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void trustedServerCertificateIsAcceptedAndFilesStreamOverTls(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("data.bin"), new byte[500_000]);
        try (ClientSession session =
                ClientSession.builder().trustManager(server.trustManager()).build()) {
            Response response =
                    session.post(server.url("/post")).files(Map.of("f", file)).send();
            assertThat(response.status()).isEqualTo(200);
            assertThat(server.takeRequest().parts().get(0).content()).hasSize(500_000);
        }
    }

    @Test
    void untrustedCertificateIsRejectedAsTlsFailure() {
        try (ClientSession session = ClientSession.create()) {
            assertThatThrownBy(() -> session.get(server.url("/get")).send())
                    .isInstanceOfSatisfying(
                            ClientConnectionException.class,
                            e -> assertThat(e.isTlsFailure()).isTrue());
            assertThat(session.poolStats().leased()).isZero();
        }
    }
}
