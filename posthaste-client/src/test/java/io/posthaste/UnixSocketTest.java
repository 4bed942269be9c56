package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.UnixSocketRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unix domain sockets: a session or a single request reaches a server on a socket path, with the
 * URL and {@code Host} still meaning what the caller wrote, and its connections are kept apart
 * from TCP ones in the pool.
 */
class UnixSocketTest {

    @TempDir
    Path dir;

    @Test
    void aSessionOnAUnixSocketSendsTheUrlsHostAndTargetUnchanged() throws Exception {
        try (TestServer server = TestServer.start();
                UnixSocketRelay socket = UnixSocketRelay.to(server, dir.resolve("s.sock"));
                ClientSession session =
                        ClientSession.builder().unixSocket(socket.path()).build()) {
            Response response = session.get("http://docker.invalid/anything/v1.43/containers?all=1")
                    .send();
            assertThat(response.status()).isEqualTo(200);
            RecordedRequest request = server.takeRequest();
            assertThat(request.header("Host")).isEqualTo("docker.invalid");
            assertThat(request.target()).isEqualTo("/anything/v1.43/containers?all=1");
            assertThat(response.url())
                    .isEqualTo(java.net.URI.create("http://docker.invalid/anything/v1.43/containers?all=1"));
            session.get("http://docker.invalid/get").send();
            assertThat(socket.connectionCount())
                    .as("kept alive over the socket")
                    .isEqualTo(1);
        }
    }

    @Test
    void aRequestCanGoOverAUnixSocketWhileOthersUseTcpAndTheyNeverShareAConnection() throws Exception {
        try (TestServer server = TestServer.start();
                UnixSocketRelay socket = UnixSocketRelay.to(server, dir.resolve("r.sock"));
                ClientSession session = ClientSession.create()) {
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            assertThat(session.get(server.url("/get"))
                            .unixSocket(socket.path())
                            .send()
                            .status())
                    .isEqualTo(200);
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
            assertThat(session.get(server.url("/get"))
                            .unixSocket(socket.path())
                            .send()
                            .status())
                    .isEqualTo(200);
            assertThat(socket.connectionCount()).isEqualTo(1);
            assertThat(server.connectionCount())
                    .as("one TCP, one relayed from the socket")
                    .isEqualTo(2);
        }
    }

    @Test
    void aMissingSocketIsAConnectionErrorNamingThePath() {
        Path missing = dir.resolve("missing.sock");
        try (ClientSession session = ClientSession.builder().unixSocket(missing).build()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> session.get("http://localhost/").send())
                    .isInstanceOf(ClientConnectionException.class)
                    .hasMessageContaining("unix socket " + missing.toAbsolutePath());
            assertThat(Files.exists(missing)).isFalse();
        }
    }
}
