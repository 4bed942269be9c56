package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EventStreamEndpointTest {

    private static final EventStreamEndpoint TICKS =
            EventStreamEndpoint.builder().event("1", null, "one").build();

    @RegisterExtension
    static TestServerExtension extension = TestServerExtension.perClass().mount("/ticks", TICKS);

    @Test
    void aConnectionStartsWithRetryAndDropsMidEventAfterTheScriptedCount() throws Exception {
        TestServer server = extension.server();
        server.mount("/feed", feed());
        try (RawClient client = new RawClient(server)) {
            String wire = new String(client.send(RawClient.get("/feed")).readToEnd(), StandardCharsets.UTF_8);
            assertThat(wire).startsWith("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n");
            // One chunk per item, and the body never ends: no zero-length chunk after the cut-off event.
            assertThat(wire.substring(wire.indexOf("\r\n\r\n") + 4))
                    .isEqualTo("b\r\nretry: 50\n\n\r\n"
                            + "1d\r\nid: 1\nevent: tick\ndata: one\n\n\r\n"
                            + "29\r\nid: 2\nevent: tick\ndata: two\ndata: lines\n\n\r\n"
                            + "10\r\ndata: (cut off)\n\r\n");
        }
    }

    @Test
    void eachConnectionResumesAfterTheLastEventIdItSentAndTheEndIsA204() throws Exception {
        TestServer server = extension.server();
        EventStreamEndpoint feed = feed();
        server.mount("/feed", feed);
        try (RawClient client = new RawClient(server)) {
            assertThat(client.send(resume("2")).read().bodyUtf8()).isEqualTo("retry: 50\n\nid: 3\ndata: three\n\n");
            assertThat(client.send(resume("3")).read().status()).isEqualTo(204);
            // An id the script does not know starts over (and this connection drops after two events).
            assertThat(new String(client.send(resume("unknown")).readToEnd(), StandardCharsets.UTF_8))
                    .contains("\r\n\r\nb\r\nretry: 50\n\n\r\n1d\r\nid: 1\n");
        }
        assertThat(feed.lastEventIds()).containsExactly("2", "3", "unknown");
        assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("2");
    }

    @Test
    void theFirstRequestRecordsNullForAMissingLastEventId() throws Exception {
        TestServer server = extension.server();
        assertThat(Http.get(server, "/ticks").body()).isEqualTo("id: 1\ndata: one\n\n");
        assertThat(TICKS.lastEventIds()).contains((String) null);
    }

    @Test
    void aPauseHoldsEachEventBackSoThatTheyArriveOneByOne() throws Exception {
        TestServer server = extension.server();
        server.mount(
                "/slow",
                EventStreamEndpoint.builder()
                        .event("a")
                        .event("b")
                        .pause(Duration.ofMillis(300))
                        .build());
        HttpResponse<InputStream> response = Http.CLIENT.send(
                HttpRequest.newBuilder(server.uri("/slow")).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            long start = System.nanoTime();
            byte[] first = body.readNBytes("data: a\n\n".length());
            long firstAt = System.nanoTime() - start;
            assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("data: a\n\n");
            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("data: b\n\n");
            assertThat(Duration.ofNanos(System.nanoTime() - start - firstAt)).isGreaterThan(Duration.ofMillis(200));
        }
    }

    @Test
    void rawItemsGoOutExactlyAsGiven() throws Exception {
        TestServer server = extension.server();
        server.mount(
                "/raw",
                EventStreamEndpoint.builder()
                        .raw(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF})
                        .raw(": comment\r\ndata: x\r\n\r\n")
                        .build());
        HttpResponse<byte[]> response = Http.CLIENT.send(
                HttpRequest.newBuilder(server.uri("/raw")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.body()).startsWith((byte) 0xEF, (byte) 0xBB, (byte) 0xBF);
        assertThat(new String(response.body(), 3, response.body().length - 3, StandardCharsets.UTF_8))
                .isEqualTo(": comment\r\ndata: x\r\n\r\n");
    }

    @Test
    void aMountedPathAnswersBeforeTheQueue() throws Exception {
        TestServer server = extension.server();
        server.enqueue(MockResponse.status(500));
        assertThat(Http.get(server, "/ticks").statusCode()).isEqualTo(200);
        assertThat(server.pendingResponseCount()).isEqualTo(1);
        assertThat(Http.get(server, "/get").statusCode()).isEqualTo(500);
    }

    @Test
    void badScriptsFailAtOnce() {
        EventStreamEndpoint.Builder b = EventStreamEndpoint.builder();
        assertThatThrownBy(() -> b.event("a\nb", null, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.event("a\0b", null, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.event("x\ry")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.dropAfter(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.retry(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> extension.server().mount("/x?y", TICKS)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A fresh feed per test: an endpoint records over its whole life. */
    private static EventStreamEndpoint feed() {
        return EventStreamEndpoint.builder()
                .retry(Duration.ofMillis(50))
                .event("1", "tick", "one")
                .event("2", "tick", "two\nlines")
                .event("3", null, "three")
                .dropAfter(2)
                .build();
    }

    private static String resume(String lastEventId) {
        return "GET /feed HTTP/1.1\r\nHost: 127.0.0.1\r\nLast-Event-ID: " + lastEventId + "\r\n\r\n";
    }
}
