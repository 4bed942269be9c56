package io.posthaste.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.instrumentation.api.instrumenter.Instrumenter;
import io.opentelemetry.instrumentation.api.instrumenter.SpanKindExtractor;
import io.opentelemetry.instrumentation.api.semconv.http.HttpClientAttributesExtractor;
import io.opentelemetry.instrumentation.api.semconv.http.HttpSpanStatusExtractor;
import io.posthaste.ClientSession;
import io.posthaste.Interceptor;
import io.posthaste.Request;
import io.posthaste.Response;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * OpenTelemetry tracing for Posthaste sessions, on {@code opentelemetry-instrumentation-api}, per
 * the HTTP client semantic conventions.
 *
 * <p>Each request that goes on the network, so each retry and each redirect hop, is one span of
 * kind {@code CLIENT}, a child of the context current when the call was made (the span of the
 * caller's handler, say), with:
 * <ul>
 * <li>name {@code GET}, or {@code GET /users/{id}} when the request has a
 *     {@link io.posthaste.UriTemplate} tag (also set as {@code url.template}); {@code HTTP} for
 *     a method outside the known ones;</li>
 * <li>{@code http.request.method}, {@code url.full} (never with user info; the values of the
 *     query parameters {@code AWSAccessKeyId}, {@code Signature}, {@code sig},
 *     {@code X-Goog-Signature} and those named with {@link Builder#redactQueryParameters} are
 *     {@code REDACTED}), {@code server.address}, {@code server.port},
 *     {@code http.response.status_code}, {@code network.protocol.version};</li>
 * <li>{@code error.type}: the status code for a 4xx/5xx answer, the failure's class name for a
 *     failure (a cancelled call: {@code java.util.concurrent.CancellationException}); the span's
 *     status is then {@code ERROR};</li>
 * <li>{@code http.request.resend_count} on every span after the first of a call.</li>
 * </ul>
 * The session's propagators (W3C {@code traceparent}/{@code tracestate} by default in the SDK)
 * inject the span's context into the headers of that very request, so every hop carries its own
 * span id. Every span started is ended exactly once: when its exchange ends, fails, or the call
 * is cancelled.
 *
 * <p>Install both parts with {@link #instrument}: an application interceptor that captures the
 * caller's context once per call (and keeps the resend count), and a network interceptor that
 * makes the spans. A request with its own {@linkplain io.posthaste.RequestBuilder#interceptors
 * interceptor list} still gets spans, parented on the context current on the thread that runs
 * its first hop, but without a resend count. Thread-safe.
 *
 * {@snippet :
 * PosthasteTelemetry telemetry = PosthasteTelemetry.create(openTelemetry);
 * ClientSession session = telemetry.instrument(ClientSession.builder()).build();
 * }
 */
public final class PosthasteTelemetry {

    /** The instrumentation scope name of the spans. */
    public static final String INSTRUMENTATION_NAME = "io.posthaste";

    private final CallContextInterceptor callContext;
    private final TracingInterceptor tracing;

    private PosthasteTelemetry(Builder builder) {
        HttpAttributes getter = new HttpAttributes(new UrlRedaction(builder.redactedParameters));
        Instrumenter<Request, Response> instrumenter = Instrumenter.<Request, Response>builder(
                        builder.openTelemetry, INSTRUMENTATION_NAME, SpanNames::of)
                .setSpanStatusExtractor(HttpSpanStatusExtractor.create(getter))
                .addAttributesExtractor(HttpClientAttributesExtractor.create(getter))
                .addAttributesExtractor(new UrlTemplateAttribute())
                .buildInstrumenter(SpanKindExtractor.alwaysClient());
        TextMapPropagator propagator = builder.openTelemetry.getPropagators().getTextMapPropagator();
        this.callContext = new CallContextInterceptor();
        this.tracing = new TracingInterceptor(instrumenter, propagator);
    }

    /** Returns tracing with every default. */
    public static PosthasteTelemetry create(OpenTelemetry openTelemetry) {
        return builder(openTelemetry).build();
    }

    /** Returns a builder of tracing through {@code openTelemetry}. */
    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(openTelemetry);
    }

    /**
     * Adds {@link #applicationInterceptor()} (added now: interceptors added before it run outside
     * it) and {@link #networkInterceptor()} (added now, likewise) to {@code session}.
     *
     * @return {@code session}, for chaining
     */
    public ClientSession.Builder instrument(ClientSession.Builder session) {
        return session.addInterceptor(callContext).addNetworkInterceptor(tracing);
    }

    /** Returns the interceptor that captures the caller's context once per call. */
    public Interceptor applicationInterceptor() {
        return callContext;
    }

    /** Returns the interceptor that makes one span per request on the network and propagates it. */
    public Interceptor networkInterceptor() {
        return tracing;
    }

    /** Configures {@link PosthasteTelemetry}; not thread-safe. */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private final Set<String> redactedParameters = new LinkedHashSet<>(UrlRedaction.DEFAULT_PARAMETERS);

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
        }

        /**
         * Redacts the values of these query parameters in {@code url.full} too, beyond the
         * defaults of the semantic conventions. Names are matched percent-decoded, in any case.
         */
        public Builder redactQueryParameters(String... names) {
            for (String name : names) {
                redactedParameters.add(name.toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /** Returns the tracing. */
        public PosthasteTelemetry build() {
            return new PosthasteTelemetry(this);
        }
    }
}
