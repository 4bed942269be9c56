package io.posthaste.internal.chain;

import io.posthaste.ClientException;
import io.posthaste.ClientResponseException;
import io.posthaste.Event;
import io.posthaste.EventListener;
import io.posthaste.Interceptor;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.StreamingResponse;
import io.posthaste.internal.Bridge;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs a request through the session's steps, assembled here and nowhere else:
 * <pre>
 *   raise-for-status
 *     → application interceptors (the request's own list, or the session's)
 *       → retries
 *         → digest authentication (answers a 401 challenge)
 *         → redirects (each hop: cookies in, then)
 *           → network interceptors
 *             → the exchange on the network (cookies out)
 * </pre>
 * Futures complete on the thread that finished the last step (an I/O thread, running only
 * Posthaste's code and the interceptors); the public API re-dispatches async results. Cancelling
 * the returned future aborts the exchange in flight and any step not started yet.
 */
public final class Call {

    private final SessionConfig config;
    private final Exchanger exchanger;

    public Call(SessionConfig config, Exchanger exchanger) {
        this.config = config;
        this.exchanger = exchanger;
    }

    /** Sends {@code request} and buffers the response. */
    public CompletableFuture<Response> execute(Request request) {
        return run(request, false);
    }

    /** Sends {@code request} and hands back the response as soon as its head has arrived. */
    public CompletableFuture<StreamingResponse> stream(Request request) {
        CompletableFuture<Response> response = run(request, true);
        Linked<StreamingResponse> result = new Linked<>(response);
        response.whenComplete((value, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
                return;
            }
            Bridge bridge = Bridge.get();
            InputStream stream = bridge.stream(value);
            Runnable close = bridge.streamCloser(value);
            StreamingResponse streaming = bridge.streamingResponse(value.request(), value.status(),
                    value.reason(), value.headers(), value.version(),
                    stream != null ? stream : new ByteArrayInputStream(value.bytes()),
                    close != null ? close : () -> { });
            if (!result.complete(streaming)) {
                streaming.close();
            }
        });
        return result;
    }

    private CompletableFuture<Response> run(Request request, boolean streaming) {
        EventListener events = config.eventListener();
        Events.emit(events, Event.Type.CALL_START, request, null);
        CallState state = new CallState(streaming, Deadline.after(request.timeouts().total()));
        Linked<Response> result = new Linked<>(state);
        List<Interceptor> own = Bridge.get().interceptors(request);
        List<Interceptor> application = own != null ? own : config.interceptors();
        CompletableFuture<Response> outcome = application.isEmpty()
                ? retries(request, state)
                : new InterceptorChain(application, 0, r -> retries(r, state), state).proceed(request);
        outcome.whenComplete((response, failure) -> {
            if (failure != null) {
                Throwable cause = unwrap(failure);
                Events.emit(events, Event.Type.CALL_FAILED, request, null, 0, 0, cause);
                result.completeExceptionally(cause);
            } else if (response.request().raiseForStatus() && response.status() >= 400) {
                ClientResponseException error = new ClientResponseException(response);
                Events.emit(events, Event.Type.CALL_FAILED, request, null, response.status(), 0, error);
                result.completeExceptionally(error);
            } else {
                Events.emit(events, Event.Type.CALL_END, request, null, response.status(), 0, null);
                if (!result.complete(response)) {
                    discard(response);
                }
            }
        });
        return result;
    }

    private CompletableFuture<Response> retries(Request request, CallState state) {
        if (request.retryPolicy().maxAttempts() <= 1 && Bridge.get().digest(request) == null) {
            return redirects(request, state);
        }
        return Retries.run(request, request.retryPolicy(), r -> DigestAuth.run(r,
                Bridge.get().digest(r), d -> redirects(d, state)), state, config.eventListener());
    }

    /** Sends {@code request} and follows redirects; completes with the last response. */
    private CompletableFuture<Response> redirects(Request request, CallState state) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        hop(request, request, List.of(), state, result);
        return result;
    }

    private void hop(Request first, Request request, List<Response> history, CallState state,
            CompletableFuture<Response> result) {
        // The jar may be the caller's code, run here inside the callback of the hop before: were
        // its failure to escape, nothing would ever complete the call.
        CompletableFuture<Response> sent;
        try {
            sent = network(Cookies.addTo(request, config.cookieJar()), state);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        sent.whenComplete((response, failure) -> {
            if (failure != null) {
                result.completeExceptionally(unwrap(failure));
                return;
            }
            try {
                Cookies.save(response, config.cookieJar());
            } catch (RuntimeException e) {
                discard(response);
                result.completeExceptionally(e);
                return;
            }
            if (!request.followRedirects() || !Redirects.isRedirect(response)) {
                result.complete(history.isEmpty() ? response
                        : Bridge.get().withHistory(response, history));
                return;
            }
            List<Response> longer = new ArrayList<>(history.size() + 1);
            longer.addAll(history);
            longer.add(response);
            Request next;
            try {
                next = Redirects.follow(config, first, request, response, List.copyOf(longer));
            } catch (ClientException e) {
                result.completeExceptionally(e);
                return;
            }
            Events.emit(config.eventListener(), Event.Type.REDIRECT, request, next.url().toString(),
                    response.status(), 0, null);
            hop(first, next, List.copyOf(longer), state, result);
        });
    }

    private CompletableFuture<Response> network(Request request, CallState state) {
        List<Interceptor> network = config.networkInterceptors();
        if (network.isEmpty()) {
            return exchange(request, state);
        }
        return new InterceptorChain(network, 0, r -> exchange(r, state), state).proceed(request);
    }

    private CompletableFuture<Response> exchange(Request request, CallState state) {
        if (state.cancelled) {
            return CompletableFuture.failedFuture(new CancellationException("the call was cancelled"));
        }
        CompletableFuture<Response> exchange = exchanger.exchange(request, state.streaming,
                state.deadline);
        state.inFlight = exchange;
        if (state.cancelled) {
            exchange.cancel(false);
        }
        return exchange;
    }

    private static void discard(Response response) {
        Runnable close = Bridge.get().streamCloser(response);
        if (close != null) {
            close.run();
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
    }

    /**
     * What a call's steps share: whether it was cancelled, which exchange is in flight, and the
     * one deadline of the whole call.
     */
    static final class CallState {
        final boolean streaming;
        final Deadline deadline;
        volatile boolean cancelled;
        volatile CompletableFuture<?> inFlight;

        CallState(boolean streaming, Deadline deadline) {
            this.streaming = streaming;
            this.deadline = deadline;
        }

        void cancel() {
            cancelled = true;
            CompletableFuture<?> current = inFlight;
            if (current != null) {
                current.cancel(false);
            }
        }
    }

    /** A result whose cancellation cancels the work it came from. */
    private static final class Linked<T> extends CompletableFuture<T> {
        private final Object source;

        Linked(Object source) {
            this.source = source;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (source instanceof CallState state) {
                state.cancel();
            } else if (source instanceof CompletableFuture<?> future) {
                future.cancel(mayInterruptIfRunning);
            }
            return cancelled;
        }
    }
}
