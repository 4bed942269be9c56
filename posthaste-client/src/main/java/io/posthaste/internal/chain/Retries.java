package io.posthaste.internal.chain;

import io.posthaste.Body;
import io.posthaste.ClientConnectionException;
import io.posthaste.ClientException;
import io.posthaste.ClientResponseException;
import io.posthaste.ClientTimeoutException;
import io.posthaste.Event;
import io.posthaste.EventListener;
import io.posthaste.Interceptor;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.RetryPolicy;
import io.posthaste.internal.Bridge;
import io.posthaste.internal.semantics.HttpSemantics;
import io.posthaste.internal.session.Events;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The retry step: sends again what the request's {@link RetryPolicy} says may be sent again,
 * after a backoff, within the call's deadline. The one place the decision "may this go again?"
 * is taken for whole attempts (the exchange decides alone only for a connection that proved
 * stale before any answer began).
 */
final class Retries implements Interceptor {

    private final EventListener events;

    Retries(EventListener events) {
        this.events = events;
    }

    @Override
    public CompletableFuture<Response> intercept(Request request, Chain chain) {
        RetryPolicy policy = request.retryPolicy();
        if (policy.maxAttempts() <= 1) {
            return chain.proceed(request);
        }
        CompletableFuture<Response> result = new CompletableFuture<>();
        attempt(
                request,
                1,
                new ArrayList<>(0),
                policy,
                chain::proceed,
                InterceptorChain.stateOf(chain),
                result,
                events);
        return result;
    }

    private static void attempt(
            Request request,
            int attempt,
            List<Throwable> earlier,
            RetryPolicy policy,
            Function<Request, CompletableFuture<Response>> next,
            Call.CallState state,
            CompletableFuture<Response> result,
            EventListener events) {
        next.apply(request).whenComplete((response, failure) -> {
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            boolean idempotent = HttpSemantics.isIdempotent(request.method());
            boolean mayRetry = attempt < policy.maxAttempts()
                    && !state.cancelled
                    && (idempotent || policy.retryNonIdempotent())
                    && request.body().map(Body::isReplayable).orElse(true);
            Duration wait = null;
            boolean retryStatus =
                    mayRetry && response != null && policy.retryOnStatus().contains(response.status());
            if (retryStatus) {
                wait = retryAfter(response, policy.maxBackoff());
                if (wait == null) {
                    wait = backoff(policy, attempt);
                } else if (wait.compareTo(policy.maxBackoff()) > 0) {
                    wait = null;
                }
            } else if (mayRetry && cause != null && isTransient(cause, idempotent, policy)) {
                wait = backoff(policy, attempt);
            }
            if (wait != null && !state.deadline.covers(wait)) {
                // The call's total timeout would pass during the wait: the last outcome stands.
                wait = null;
            }
            if (wait == null) {
                finish(result, response, cause, attempt, earlier);
                return;
            }
            if (retryStatus) {
                earlier.add(new ClientResponseException(response));
                // A streamed answer holds its connection until closed; the next attempt may need it.
                Runnable close = Bridge.get().streamCloser(response);
                if (close != null) {
                    close.run();
                }
            } else {
                earlier.add(cause);
            }
            Events.emit(events, Event.Type.RETRY, request, null, response != null ? response.status() : 0, 0, cause);
            CompletableFuture.delayedExecutor(wait.toNanos(), TimeUnit.NANOSECONDS)
                    .execute(() -> attempt(request, attempt + 1, earlier, policy, next, state, result, events));
        });
    }

    /**
     * Completes the call with the last attempt's outcome. After retries, a failure carries the
     * attempt count and the earlier failures; a 4xx/5xx response carries them too, for the
     * raise-for-status step to put on the exception it makes of it.
     */
    private static void finish(
            CompletableFuture<Response> result,
            Response response,
            Throwable cause,
            int attempts,
            List<Throwable> earlier) {
        if (cause == null) {
            // Only a 4xx/5xx answer can become an exception; a success need not keep the others.
            result.complete(
                    attempts == 1 || response.status() < 400
                            ? response
                            : Bridge.get().afterAttempts(response, attempts, earlier));
        } else if (attempts == 1) {
            result.completeExceptionally(cause);
        } else {
            if (cause instanceof ClientException failure) {
                Bridge.get().retried(failure, attempts, earlier);
            } else {
                earlier.forEach(cause::addSuppressed);
            }
            result.completeExceptionally(cause);
        }
    }

    private static boolean isTransient(Throwable cause, boolean idempotent, RetryPolicy policy) {
        if (cause instanceof ClientConnectionException connection) {
            return !connection.isTlsFailure()
                    && (!connection.mayHaveBeenProcessed() || idempotent || policy.retryNonIdempotent());
        }
        return cause instanceof ClientTimeoutException timeout
                && timeout.phase() == ClientTimeoutException.Phase.CONNECT;
    }

    static Duration backoff(RetryPolicy policy, int attempt) {
        double nanos = policy.initialBackoff().toNanos() * Math.pow(policy.multiplier(), attempt - 1);
        nanos = Math.min(nanos, policy.maxBackoff().toNanos());
        nanos -= nanos * policy.jitter() * ThreadLocalRandom.current().nextDouble();
        return Duration.ofNanos((long) nanos);
    }

    /** Returns the wait a {@code Retry-After} header asks for, or {@code null} if there is none. */
    static Duration retryAfter(Response response, Duration max) {
        String value = response.headers().get("Retry-After");
        if (value == null) {
            return null;
        }
        value = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(
                        java.time.Instant.now(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
