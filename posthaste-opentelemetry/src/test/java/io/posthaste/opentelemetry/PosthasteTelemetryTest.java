package io.posthaste.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.posthaste.ClientConnectionException;
import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.Response;
import io.posthaste.RetryPolicy;
import io.posthaste.UriTemplate;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Spans exported by the SDK's in-memory exporter, for calls to the TestServer. */
class PosthasteTelemetryTest {

    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<Long> RESEND = AttributeKey.longKey("http.request.resend_count");
    private static final AttributeKey<String> ERROR = AttributeKey.stringKey("error.type");
    private static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenSpans open = new OpenSpans();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(open)
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private TestServer server;
    private ClientSession session;

    @BeforeEach
    void start() {
        server = TestServer.start();
        session = PosthasteTelemetry.builder(otel)
                .redactQueryParameters("token")
                .build()
                .instrument(ClientSession.builder())
                .build();
    }

    @AfterEach
    void stop() {
        session.close();
        server.close();
        otel.close();
        assertThat(open.started).as("every span started was ended").isEqualTo(open.ended);
    }

    private List<SpanData> clientSpans() {
        return exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT)
                .toList();
    }

    private static String traceparent(SpanData span) {
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
                + span.getSpanContext().getTraceFlags().asHex();
    }

    @Test
    void aCallMakesAClientSpanUnderTheCallersSpanAndSendsItsIdToTheServer() throws Exception {
        Span parent = otel.getTracer("test").spanBuilder("checkout").startSpan();
        try (Scope ignored = parent.makeCurrent()) {
            session.get(server.url("/anything/users/7"))
                    .tag(UriTemplate.class, new UriTemplate("/users/{id}"))
                    .send();
        } finally {
            parent.end();
        }

        List<SpanData> client = clientSpans();
        assertThat(client).hasSize(1);
        SpanData span = client.get(0);
        assertThat(span.getName()).isEqualTo("GET /users/{id}");
        assertThat(span.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
        assertThat(span.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
        assertThat(span.getAttributes().get(AttributeKey.stringKey("http.request.method")))
                .isEqualTo("GET");
        assertThat(span.getAttributes().get(URL)).isEqualTo(server.url("/anything/users/7"));
        assertThat(span.getAttributes().get(AttributeKey.stringKey("server.address")))
                .isEqualTo("127.0.0.1");
        assertThat(span.getAttributes().get(AttributeKey.longKey("server.port")))
                .isEqualTo(server.port());
        assertThat(span.getAttributes().get(AttributeKey.stringKey("url.template")))
                .isEqualTo("/users/{id}");
        assertThat(span.getAttributes().get(STATUS)).isEqualTo(200);
        assertThat(span.getAttributes().get(RESEND)).isNull();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(server.takeRequest().header("traceparent")).isEqualTo(traceparent(span));
    }

    @Test
    void everyRetryAndRedirectHopIsItsOwnSpanWithItsResendCountAndTraceparent() throws Exception {
        server.enqueue(MockResponse.status(503));
        server.enqueue(
                MockResponse.builder().status(302).header("Location", "/get").build());
        Span parent = otel.getTracer("test").spanBuilder("job").startSpan();
        CompletableFuture<Response> async;
        try (Scope ignored = parent.makeCurrent()) {
            async = session.get(server.url("/start"))
                    .retryPolicy(RetryPolicy.builder()
                            .maxAttempts(2)
                            .initialBackoff(Duration.ZERO)
                            .retryOnStatus(Set.of(503))
                            .build())
                    .sendAsync();
        }
        assertThat(async.get().status()).isEqualTo(200);
        parent.end();

        List<SpanData> hops = clientSpans();
        assertThat(hops).extracting(s -> s.getAttributes().get(STATUS)).containsExactly(503L, 302L, 200L);
        assertThat(hops).extracting(s -> s.getAttributes().get(RESEND)).containsExactly(null, 1L, 2L);
        assertThat(hops)
                .allSatisfy(s -> assertThat(s.getParentSpanId())
                        .isEqualTo(parent.getSpanContext().getSpanId()));
        assertThat(hops.get(0).getAttributes().get(ERROR)).isEqualTo("503");
        assertThat(hops.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        for (SpanData hop : hops) {
            RecordedRequest received = server.takeRequest();
            assertThat(received.header("traceparent")).isEqualTo(traceparent(hop));
        }
    }

    @Test
    void aFailedCallEndsItsSpanWithTheErrorType() {
        assertThatThrownBy(() -> session.get(server.url("/status/500")).send())
                .isInstanceOf(ClientResponseException.class);
        String refused = server.url("/get");
        server.close();
        assertThatThrownBy(() -> session.get(refused).send()).isInstanceOf(ClientConnectionException.class);

        List<SpanData> spans = clientSpans();
        assertThat(spans)
                .extracting(s -> s.getAttributes().get(ERROR))
                .containsExactly("500", ClientConnectionException.class.getName());
        assertThat(spans)
                .allSatisfy(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
        assertThat(spans.get(1).getAttributes().get(STATUS)).isNull();
    }

    @Test
    void aCancelledCallEndsItsSpanOnce() throws Exception {
        CompletableFuture<Response> slow = session.get(server.url("/delay/5")).sendAsync();
        server.takeRequest();
        slow.cancel(true);

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (clientSpans().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(100); // and no second end later
        assertThat(clientSpans()).singleElement().satisfies(span -> {
            assertThat(span.getAttributes().get(ERROR)).isEqualTo("java.util.concurrent.CancellationException");
            assertThat(span.getParentSpanId()).isEqualTo(io.opentelemetry.api.trace.SpanId.getInvalid());
        });
    }

    @Test
    void urlFullHidesTheValuesOfSensitiveQueryParameters() {
        session.get(server.url("/get?sig=s1&X-Goog-Signature=s2&token=s3&page=2"))
                .send();

        assertThat(clientSpans().get(0).getAttributes().get(URL))
                .isEqualTo(server.url("/get?sig=REDACTED&X-Goog-Signature=REDACTED&token=REDACTED&page=2"));
    }

    /** Counts spans started and ended, to prove that none is left open. */
    static final class OpenSpans implements SpanProcessor {
        final Set<String> startedIds = ConcurrentHashMap.newKeySet();
        volatile int started;
        volatile int ended;

        @Override
        public synchronized void onStart(Context parentContext, ReadWriteSpan span) {
            startedIds.add(span.getSpanContext().getSpanId());
            started++;
        }

        @Override
        public boolean isStartRequired() {
            return true;
        }

        @Override
        public synchronized void onEnd(ReadableSpan span) {
            assertThat(startedIds.remove(span.getSpanContext().getSpanId()))
                    .as("ended once")
                    .isTrue();
            ended++;
        }

        @Override
        public boolean isEndRequired() {
            return true;
        }
    }
}
