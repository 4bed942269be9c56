package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posthaste.Event.Type;
import io.posthaste.testing.TestServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class EventsTest {

    private final List<Event> events = new CopyOnWriteArrayList<>();

    private List<Type> types() {
        return events.stream().map(Event::type).toList();
    }

    @Test
    void aCallWithARedirectReportsEveryStepInOrderWithTimestamps() throws Exception {
        try (TestServer server = TestServer.start();
                ClientSession session =
                        ClientSession.builder().eventListener(events::add).build()) {
            session.post(server.url("/redirect-to?url=/get&status_code=303"))
                    .body("x", "text/plain")
                    .send();
            Thread.sleep(50);
        }
        assertThat(types())
                .containsSubsequence(
                        Type.CALL_START,
                        Type.CONNECT_START,
                        Type.CONNECT_END,
                        Type.CONNECTION_ACQUIRED,
                        Type.REQUEST_HEADERS_SENT,
                        Type.REQUEST_BODY_SENT,
                        Type.RESPONSE_HEADERS_RECEIVED,
                        Type.RESPONSE_BODY_RECEIVED,
                        Type.CONNECTION_RELEASED,
                        Type.REDIRECT,
                        Type.CONNECTION_ACQUIRED,
                        Type.RESPONSE_HEADERS_RECEIVED,
                        Type.RESPONSE_BODY_RECEIVED,
                        Type.CALL_END);
        assertThat(types()).doesNotContain(Type.DNS_START, Type.CALL_FAILED);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).nanoTime())
                    .isGreaterThanOrEqualTo(events.get(i - 1).nanoTime());
        }
        Event end = events.stream()
                .filter(e -> e.type() == Type.CALL_END)
                .findFirst()
                .orElseThrow();
        assertThat(end.status()).isEqualTo(200);
    }

    @Test
    void failuresAndTlsHandshakesAreReported() {
        try (TestServer server = TestServer.builder().tls().start();
                ClientSession session = ClientSession.builder()
                        .trustManager(server.trustManager())
                        .eventListener(events::add)
                        .build()) {
            session.get(server.url("/get")).send();
            assertThatThrownBy(() -> session.get(server.url("/status/500")).send())
                    .isInstanceOf(ClientResponseException.class);
        }
        assertThat(types()).containsSubsequence(Type.TLS_START, Type.TLS_END, Type.CALL_END, Type.CALL_FAILED);
        assertThat(events.stream()
                        .filter(e -> e.type() == Type.CALL_FAILED)
                        .findFirst()
                        .orElseThrow()
                        .toString())
                .contains("500");
    }

    @Test
    void aFailingListenerNeverBreaksTheCall() {
        try (TestServer server = TestServer.start();
                ClientSession session = ClientSession.builder()
                        .eventListener(e -> {
                            throw new IllegalStateException("listener bug");
                        })
                        .build()) {
            assertThat(session.get(server.url("/get")).send().status()).isEqualTo(200);
        }
    }
}
