package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server that answers badly — ambiguous framing, bombs of headers or interim responses, bodies
 * cut short, bytes nobody asked for — gets a clear error, never a wrong answer, and never a
 * connection back in the pool: the next request goes out on a fresh one and succeeds. Bounded in
 * memory: a hostile answer costs at most the configured limits.
 */
class HostileServerTest {

    static TestServer server;
    static ClientSession session;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        session = ClientSession.builder()
                .timeouts(Timeouts.builder().read(Duration.ofSeconds(2)).build())
                .build();
    }

    @AfterAll
    static void stop() {
        session.close();
        server.close();
    }

    @AfterEach
    void nothingIsLeftLeased() throws InterruptedException {
        ConnectionsAndTimeoutsTest.awaitIdle(session);
        assertThat(session.poolStats().leased()).isZero();
    }

    private static MockResponse raw(String bytes) {
        return MockResponse.builder()
                .raw(bytes.getBytes(StandardCharsets.ISO_8859_1))
                .build();
    }

    /** Sends a good request after a bad answer and shows it went out on another connection. */
    private static void nextRequestSucceedsOnAFreshConnection(RecordedRequest bad) {
        assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
        assertThat(server.takeRequest().connectionId())
                .as("the bad connection is never reused")
                .isNotEqualTo(bad.connectionId());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                "HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
                "HTTP/1.1 200 OK\r\nX-A: b\r\n folded\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.1 200 OK\r\nX-A : b\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.1 200 OK\r\nX-A: b\u0000c\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked, chunked\r\n\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;\r\nok\r\nx\r\n",
                "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                "HTTP/1.1 99 Weird\r\nContent-Length: 0\r\n\r\n",
                "SSH-2.0-OpenSSH_9.2\r\n"
            })
    void ambiguousOrMalformedAnswersAreErrorsAndTheConnectionIsDropped(String answer) {
        server.enqueue(raw(answer));
        assertThatThrownBy(() -> session.get(server.url("/bad")).send())
                .isInstanceOf(ClientPayloadException.class)
                .hasMessageContaining("malformed");
        nextRequestSucceedsOnAFreshConnection(server.takeRequest());
    }

    @Test
    void anEndlessStatusLineOrBlankLinesStopAtTheLimitWithBoundedMemory() throws IOException {
        // A gibibyte each, sixty-four times the heap the client gets: one it kept would end the run.
        server.enqueue(MockResponse.builder()
                .raw("HTTP/1.1 200 ".getBytes(StandardCharsets.US_ASCII))
                .rawRepeated("x".repeat(1024).getBytes(StandardCharsets.US_ASCII), 1 << 20)
                .build());
        server.enqueue(MockResponse.builder()
                .rawRepeated("\r\n".getBytes(StandardCharsets.US_ASCII), 1 << 29)
                .build());
        CappedJvm.withHeapMiB(16).run(EndlessHeads.class, server.url("/long-status"), server.url("/blank-lines"));
        assertThat(server.takeRequest().path()).isEqualTo("/long-status");
        assertThat(server.takeRequest().path()).isEqualTo("/blank-lines");
    }

    /** Each URL answers with a head that never ends: a payload error, in a 16 MiB heap. */
    static final class EndlessHeads implements CappedJvm.Scenario {
        @Override
        public void run(String... urls) {
            try (ClientSession capped = ClientSession.builder()
                    .timeouts(Timeouts.builder().read(Duration.ofSeconds(2)).build())
                    .build()) {
                for (String url : urls) {
                    CappedJvm.assertFailsWith(
                            ClientPayloadException.class, () -> capped.get(url).send(), url);
                }
            }
        }
    }

    @Test
    void headerBombsStopAtTheSizeAndCountLimits() {
        StringBuilder big = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < 60; i++) {
            big.append("X-").append(i).append(": ").append("v".repeat(1200)).append("\r\n");
        }
        server.enqueue(raw(big.append("Content-Length: 0\r\n\r\n").toString()));
        assertThatThrownBy(() -> session.get(server.url("/big-headers")).send())
                .isInstanceOf(ClientPayloadException.class);
        nextRequestSucceedsOnAFreshConnection(server.takeRequest());

        StringBuilder many = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < 129; i++) {
            many.append("X-").append(i).append(": v\r\n");
        }
        server.enqueue(raw(many.append("Content-Length: 0\r\n\r\n").toString()));
        assertThatThrownBy(() -> session.get(server.url("/many-headers")).send())
                .isInstanceOf(ClientPayloadException.class)
                .hasMessageContaining("128");
        nextRequestSucceedsOnAFreshConnection(server.takeRequest());
    }

    @Test
    void aFloodOfInterimResponsesIsCutOffQuicklyWhileAFewHundredAreFine() {
        // Bounded by bytes (and time), not by a small count: 102 Processing every few seconds
        // through a long operation must not break it (issue 12, item 6).
        server.enqueue(MockResponse.builder().interimContinues(100).body("late").build());
        assertThat(session.get(server.url("/a-hundred")).send().text()).isEqualTo("late");
        server.takeRequest();

        long started = System.nanoTime();
        server.enqueue(raw("HTTP/1.1 100 Continue\r\n\r\n".repeat(10_000)));
        assertThatThrownBy(() -> session.get(server.url("/flood")).send())
                .isInstanceOf(ClientPayloadException.class)
                .hasMessageContaining("interim");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        nextRequestSucceedsOnAFreshConnection(server.takeRequest());
    }

    @Test
    void aBodyCutShortIsAnErrorNeverAShortAnswer() throws IOException {
        server.enqueue(MockResponse.builder()
                .body(new byte[100_000])
                .disconnectAfterBodyBytes(20_000)
                .build());
        assertThatThrownBy(() -> session.get(server.url("/short")).send()).isInstanceOf(ClientPayloadException.class);
        nextRequestSucceedsOnAFreshConnection(server.takeRequest());

        server.enqueue(MockResponse.builder()
                .raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
                        .getBytes(StandardCharsets.US_ASCII))
                .closeConnection()
                .build());
        assertThatThrownBy(() -> session.get(server.url("/cut-chunks")).send())
                .isInstanceOf(ClientPayloadException.class);
        nextRequestSucceedsOnAFreshConnection(server.takeRequest());

        server.enqueue(MockResponse.builder()
                .body(new byte[100_000])
                .chunked(8192)
                .disconnectAfterBodyBytes(20_000)
                .build());
        try (StreamingResponse response = session.get(server.url("/short-stream")).stream();
                InputStream body = response.body()) {
            assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class);
        }
        nextRequestSucceedsOnAFreshConnection(server.takeRequest());
    }

    @Test
    void bodilessAnswersIgnoreTheirFramingHeadersAndKeepTheConnection() {
        server.enqueue(raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
        server.enqueue(raw("HTTP/1.1 304 Not Modified\r\nContent-Length: 1000\r\n\r\n"));
        server.enqueue(raw("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"));
        long started = System.nanoTime();
        assertThat(session.head(server.url("/head")).send().status()).isEqualTo(200);
        assertThat(session.get(server.url("/not-modified")).send().status()).isEqualTo(304);
        assertThat(session.get(server.url("/no-content")).send().bytes()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("no wait for a body that never comes")
                .isLessThan(Duration.ofSeconds(1));
        int connection = server.takeRequest().connectionId();
        assertThat(server.takeRequest().connectionId()).isEqualTo(connection);
        assertThat(server.takeRequest().connectionId()).isEqualTo(connection);
    }

    @Test
    void bytesArrivingOnAnIdleConnectionRetireIt() throws InterruptedException {
        // The answer's last 5 bytes form a second, unasked-for response that arrives while idle.
        String first = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        String stray = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstray";
        server.enqueue(MockResponse.builder()
                .raw((first + stray).getBytes(StandardCharsets.US_ASCII))
                .throttle(first.length(), Duration.ofMillis(200))
                .build());
        assertThat(session.get(server.url("/first")).send().text()).isEqualTo("ok");
        RecordedRequest firstRequest = server.takeRequest();
        Thread.sleep(400);
        Response next = session.get(server.url("/get")).send();
        assertThat(next.text()).doesNotContain("stray");
        assertThat(server.takeRequest().connectionId()).isNotEqualTo(firstRequest.connectionId());
    }
}
