package io.posthaste.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.http.Outcome;
import io.posthaste.ClientException;
import io.posthaste.Interceptor;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.Timings;
import io.posthaste.UriTemplate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Records {@code http.client.requests} once per call: an application interceptor, so it sees one
 * request and its final response (or failure) whatever happened below it. The future it hands
 * back completes exactly once, on success, failure and cancellation alike, and so records once.
 *
 * <p>It also records {@code posthaste.pool.acquire}, a timer with a percentile histogram of how
 * long the call's last exchange waited for a connection from the pool (not counting opening a
 * new one), from {@code response.timings().poolWait()} or the failure's
 * {@link io.posthaste.ClientException#timings()}; a call that never asked the pool (an invalid
 * request, a response an interceptor made) records none.
 */
final class RequestTimer implements Interceptor {

    static final String NAME = "http.client.requests";
    static final String POOL_ACQUIRE = "posthaste.pool.acquire";
    private static final String NONE = "none";

    private final MeterRegistry registry;
    private final Tags common;
    private final boolean hostTag;

    RequestTimer(MeterRegistry registry, Tags common, boolean hostTag) {
        this.registry = registry;
        this.common = common;
        this.hostTag = hostTag;
    }

    @Override
    public CompletableFuture<Response> intercept(Request request, Chain chain) {
        Timer.Sample sample = Timer.start(registry);
        CompletableFuture<Response> result;
        try {
            result = chain.proceed(request);
        } catch (RuntimeException e) {
            // The chain turns a throwing step into a failed future; this is only a guard.
            record(sample, request, null, e);
            throw e;
        }
        return result.whenComplete((response, failure) -> record(sample, request, response, failure));
    }

    private void record(Timer.Sample sample, Request request, Response response, Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        UriTemplate template = request.tag(UriTemplate.class);
        String host = hostTag ? request.url().getHost() : null;
        Tags tags = common.and(
                "method", request.method(),
                "uri", template != null ? template.value() : NONE,
                "status", response != null ? Integer.toString(response.status()) : "CLIENT_ERROR",
                "outcome",
                        response != null ? Outcome.forStatus(response.status()).name() : Outcome.UNKNOWN.name(),
                "exception", cause != null ? cause.getClass().getSimpleName() : NONE,
                "client.name", host != null ? host : NONE);
        sample.stop(Timer.builder(NAME)
                .description("Time of HTTP client calls, from the call to the final response")
                .tags(tags)
                .register(registry));
        Timings timings =
                response != null ? response.timings() : cause instanceof ClientException e ? e.timings() : null;
        if (timings != null && timings.attempts() > 0) {
            Timer.builder(POOL_ACQUIRE)
                    .description("Time calls waited for a connection from the pool")
                    .tags(common.and("client.name", host != null ? host : NONE))
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry)
                    .record(timings.poolWait());
        }
    }
}
