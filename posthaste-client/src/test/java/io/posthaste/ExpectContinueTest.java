package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.Fault;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExpectContinueTest {

    @Test
    void bodyWaitsForContinueAndFollowsRightAfterIt() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ClientSession session = ClientSession.create()) {
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> serveOnce(listener));
            long start = System.nanoTime();
            Response response = session.post("http://127.0.0.1:" + listener.getLocalPort() + "/upload")
                    .body("payload", "text/plain")
                    .expectContinue()
                    .send();

            assertThat(response.text()).isEqualTo("got payload");
            assertThat(seen.get(5, TimeUnit.SECONDS)).contains("Expect: 100-continue");
            // The 100 came at once, so the body did not wait for the one-second fallback.
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.MILLISECONDS.toNanos(900));
        }
    }

    /** Reads the head, answers 100, reads the 7-byte body, answers 200; returns the head. */
    private static String serveOnce(ServerSocket listener) {
        try (Socket socket = listener.accept()) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                head.write(in.read());
            }
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String body = new String(in.readNBytes(7), StandardCharsets.ISO_8859_1);
            byte[] answer = ("got " + body).getBytes(StandardCharsets.ISO_8859_1);
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + answer.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(answer);
            out.flush();
            return head.toString(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anEarlyRefusalIsTheResponseAndTheBodyIsNeverSent() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            server.enqueue(MockResponse.builder()
                    .status(413)
                    .fault(Fault.RESPOND_BEFORE_BODY)
                    .build());

            assertThatThrownBy(() -> session.post(server.url("/upload"))
                            .body(new byte[5_000_000], null)
                            .expectContinue()
                            .send())
                    .isInstanceOfSatisfying(
                            ClientResponseException.class,
                            e -> assertThat(e.status()).isEqualTo(413));
            RecordedRequest seen = server.takeRequest();
            assertThat(seen.header("Expect")).isEqualTo("100-continue");
            // Recorded when the connection closed: every byte that came after the head is counted.
            assertThat(seen.bodySize()).as("body bytes that reached the server").isZero();
            assertThat(session.poolStats().leased()).isZero();
        }
    }

    @Test
    void withoutContinueTheBodyGoesAfterAShortWait() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            session.put(server.url("/put"))
                    .body("late", "text/plain")
                    .expectContinue()
                    .send();
            assertThat(server.takeRequest().bodyUtf8()).isEqualTo("late");
        }
    }

    @Test
    void expectContinueIsHarmlessWithoutABody() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.create()) {
            assertThat(session.get(server.url("/get")).expectContinue().send().status())
                    .isEqualTo(200);
            assertThat(server.takeRequest().header("Expect")).isNull();
        }
    }
}
