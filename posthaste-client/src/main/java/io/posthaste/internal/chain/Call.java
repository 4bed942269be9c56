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
import io.posthaste.internal.exchange.BodyPolicy;
import io.posthaste.internal.exchange.Deadline;
import io.posthaste.internal.exchange.ExchangeTimes;
import io.posthaste.internal.exchange.Exchanger;
import io.posthaste.internal.session.Events;
import io.posthaste.internal.session.RequestExtras;
import io.posthaste.internal.session.SessionConfig;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;

/**
 * Runs a request through one list of steps, each an {@link Interceptor}, assembled in
 * {@link #steps} and nowhere else:
 * <pre>
 *   raise-for-status
 *     → application interceptors (the request's own list, or the session's)
 *       → retries                 (only with a retry policy of more than one attempt)
 *         → digest authentication (only with Digest credentials: answers a 401 challenge)
 *           → redirects           (proceeds once per hop)
 *             → proxy digest      (only where a proxy may have credentials: answers its 407)
 *               → cookies         (the jar's into each hop's request, Set-Cookie into the jar)
 *                 → network interceptors
 *                   → the exchange on the network
 * </pre>
 * Futures complete on the thread that finished the last step (an I/O thread, running only
 * Posthaste's code and the interceptors); the public API re-dispatches async results. Cancelling
 * the returned future aborts the exchange in flight and any step not started yet.
 */
public final class Call {

    private final SessionConfig config;
    private final Retries retries;
    private final Redirects redirects;
    private final Cookies cookies;
    private final ExchangeStep exchange;
    private final ProxyDigestAuth proxyDigest;
    /** Whether a proxy the session chooses may have credentials (so may ask for Digest). */
    private final boolean sessionProxyUser;
    /** The steps of a request with nothing of its own (the common case), assembled once. */
    private final List<Interceptor> plainSteps;
    /** The same, for a request that raises for status. */
    private final List<Interceptor> plainRaisingSteps;

    public Call(SessionConfig config, Exchanger exchanger) {
        this.config = config;
        this.retries = new Retries(config.eventListener());
        this.redirects = new Redirects(config);
        this.cookies = new Cookies(config.cookieJar());
        this.exchange = new ExchangeStep(exchanger);
        this.proxyDigest = new ProxyDigestAuth(config.routes());
        this.sessionProxyUser = config.routes().mayAuthenticate();
        this.plainSteps = List.copyOf(steps(config.interceptors(), false, false, false, sessionProxyUser));
        this.plainRaisingSteps = List.copyOf(steps(config.interceptors(), true, false, false, sessionProxyUser));
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
            StreamingResponse streaming = bridge.streamingResponse(
                    value.request(),
                    value.status(),
                    value.reason(),
                    value.headers(),
                    value.version(),
                    stream != null ? stream : new ByteArrayInputStream(value.bytes()),
                    close != null ? close : () -> {},
                    bridge.timingsSource(value),
                    bridge.trailers(value),
                    config.callbackExecutor());
            if (!result.complete(streaming)) {
                streaming.close();
            }
        });
        return result;
    }

    private CompletableFuture<Response> run(Request request, boolean streaming) {
        EventListener events = config.eventListener();
        Events.emit(events, Event.Type.CALL_START, request, null);
        CallState state =
                new CallState(streaming, Deadline.after(request.timeouts().total()));
        CallResult result = new CallResult(state, request, events);
        new InterceptorChain(steps(request), 0, state).proceed(request).whenComplete(result);
        return result;
    }

    /** Returns the steps for {@code request}: a plain list, unless it brings its own needs. */
    private List<Interceptor> steps(Request request) {
        RequestExtras extras = Bridge.get().extras(request);
        boolean raise = request.raiseForStatus();
        boolean retry = request.retryPolicy().maxAttempts() > 1;
        boolean ownProxyUser = extras.route() != null
                && extras.route().proxy() != null
                && extras.route().proxy().user() != null;
        if (extras.interceptors() == null && !retry && extras.digest() == null && !ownProxyUser) {
            return raise ? plainRaisingSteps : plainSteps;
        }
        return steps(
                extras.interceptors() != null ? extras.interceptors() : config.interceptors(),
                raise,
                retry,
                extras.digest() != null,
                ownProxyUser || sessionProxyUser);
    }

    /**
     * Assembles a call's steps, outermost first: the one place they are put in order. A step with
     * nothing to do for the request (it does not raise for status, has no retry policy, no Digest
     * credentials, no proxy with credentials) is left out: it would only cost a stage per call.
     */
    private List<Interceptor> steps(
            List<Interceptor> application, boolean raise, boolean retry, boolean digest, boolean proxyUser) {
        List<Interceptor> network = config.networkInterceptors();
        List<Interceptor> steps = new ArrayList<>(7 + application.size() + network.size());
        if (raise) {
            steps.add(RaiseForStatus.INSTANCE);
        }
        steps.addAll(application);
        if (retry) {
            steps.add(retries);
        }
        if (digest) {
            steps.add(DigestAuth.INSTANCE);
        }
        steps.add(redirects);
        if (proxyUser) {
            steps.add(proxyDigest);
        }
        steps.add(cookies);
        steps.addAll(network);
        steps.add(exchange);
        return steps;
    }

    /** Releases what an answer nobody will read holds (a streamed body's connection). */
    static void discard(Response response) {
        Runnable close = Bridge.get().streamCloser(response);
        if (close != null) {
            close.run();
        }
    }

    static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /**
     * What a call's steps share: whether it was cancelled, which exchange is in flight, the
     * one deadline of the whole call, when it began and how many network attempts it made. As
     * the exchange's {@link BodyPolicy} it asks the steps that decide what a body is for (will it
     * be followed? will it raise?), so each decision is taken in one place, and counts attempts.
     */
    static final class CallState implements BodyPolicy {
        final boolean streaming;
        final Deadline deadline;
        final long startNanos = System.nanoTime();
        volatile boolean cancelled;
        volatile CompletableFuture<?> inFlight;
        /** Written by one exchange at a time (they never overlap), on its thread. */
        private volatile int attempts;

        CallState(boolean streaming, Deadline deadline) {
            this.streaming = streaming;
            this.deadline = deadline;
        }

        @Override
        public void attempted() {
            attempts++; // not atomic, and need not be: attempts never overlap
        }

        /** Records the call's totals on the timings of {@code response}, if a server sent it. */
        void over(Response response) {
            if (Bridge.get().timingsSource(response) instanceof ExchangeTimes times) {
                times.callOver(
                        startNanos,
                        System.nanoTime(),
                        attempts,
                        response.history().size());
            }
        }

        /** Records the call's totals on the timings of {@code failure}, if it reached the network. */
        void over(Throwable failure) {
            if (failure instanceof ClientException e && Bridge.get().timingsSource(e) instanceof ExchangeTimes times) {
                int redirects = e instanceof ClientResponseException raised
                        ? raised.history().size()
                        : 0;
                times.callOver(startNanos, System.nanoTime(), attempts, redirects);
            }
        }

        @Override
        public Holding holding(Request request, int status, boolean hasLocation) {
            if (Redirects.follows(request, status, hasLocation)) {
                return Holding.BUFFER_RAW;
            }
            return streaming && !RaiseForStatus.raises(request, status) ? Holding.STREAM : Holding.BUFFER;
        }

        void cancel() {
            cancelled = true;
            CompletableFuture<?> current = inFlight;
            if (current != null) {
                current.cancel(false);
            }
        }
    }

    /**
     * A call's result: it ends the call when the steps are done (events, and an answer nobody
     * will read released), and cancelling it cancels the call. One object for both.
     */
    private static final class CallResult extends CompletableFuture<Response>
            implements BiConsumer<Response, Throwable> {
        private final CallState state;
        private final Request request;
        private final EventListener events;

        CallResult(CallState state, Request request, EventListener events) {
            this.state = state;
            this.request = request;
            this.events = events;
        }

        @Override
        public void accept(Response response, Throwable failure) {
            if (failure != null) {
                Throwable cause = unwrap(failure);
                int status = cause instanceof ClientResponseException raised ? raised.status() : 0;
                state.over(cause);
                Events.emit(events, Event.Type.CALL_FAILED, request, null, status, 0, cause);
                completeExceptionally(cause);
            } else {
                state.over(response);
                Events.emit(events, Event.Type.CALL_END, request, null, response.status(), 0, null);
                if (!complete(response)) {
                    discard(response);
                }
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            state.cancel();
            return cancelled;
        }
    }

    /** A result whose cancellation cancels the future it came from. */
    private static final class Linked<T> extends CompletableFuture<T> {
        private final CompletableFuture<?> source;

        Linked(CompletableFuture<?> source) {
            this.source = source;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            source.cancel(mayInterruptIfRunning);
            return cancelled;
        }
    }
}
