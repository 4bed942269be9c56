package io.posthaste.internal.chain;

import io.posthaste.Body;
import io.posthaste.ClientPayloadException;
import io.posthaste.Event;
import io.posthaste.Headers;
import io.posthaste.Interceptor;
import io.posthaste.InvalidRequestException;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.TooManyRedirectsException;
import io.posthaste.internal.Bridge;
import io.posthaste.internal.semantics.HttpSemantics;
import io.posthaste.internal.session.Events;
import io.posthaste.internal.session.SessionConfig;
import io.posthaste.internal.url.RequestUrl;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The redirect rules (RFC 9110 §15.4, and what browsers and aiohttp do):
 * <ul>
 * <li>303 turns any method but HEAD into GET without a body; 301 and 302 turn POST into GET
 *     without a body; 307 and 308 keep method and body, which must then be replayable.</li>
 * <li>A relative {@code Location} is resolved against the current URL; one that is malformed or
 *     not http(s) is refused, and so is https to http unless the session allows it.</li>
 * <li>Leaving the origin (scheme, host or port) drops {@code Authorization}, {@code Cookie},
 *     {@code Proxy-Authorization}, an explicit {@code Host} and every header declared sensitive,
 *     on every hop of a chain.</li>
 * </ul>
 * As a step it proceeds once per hop, each time through the steps below it (cookies, network
 * interceptors, the exchange), and completes with the last answer and the hops before it as its
 * history. A redirect's body is kept raw and small below (never decoded: no bomb in a 3xx).
 */
final class Redirects implements Interceptor {

    private static final List<String> CONTENT_HEADERS =
            List.of("Content-Type", "Content-Length", "Transfer-Encoding", "Content-Encoding");
    private static final List<String> CREDENTIALS = List.of("Authorization", "Cookie", "Proxy-Authorization", "Host");

    private final SessionConfig config;

    Redirects(SessionConfig config) {
        this.config = config;
    }

    @Override
    public CompletableFuture<Response> intercept(Request request, Chain chain) {
        if (!request.followRedirects()) {
            return chain.proceed(request);
        }
        Hops hops = new Hops(request, chain);
        hops.go(request);
        return hops;
    }

    /**
     * One call's way through its redirects, and the step's result: it proceeds once per hop
     * and hears each answer itself (one object per call, not one per hop).
     */
    private final class Hops extends CompletableFuture<Response> implements BiConsumer<Response, Throwable> {
        private final Request first;
        private final Chain chain;
        private Request request;
        private List<Response> history = List.of();

        Hops(Request first, Chain chain) {
            this.first = first;
            this.chain = chain;
        }

        void go(Request next) {
            request = next;
            chain.proceed(next).whenComplete(this);
        }

        @Override
        public void accept(Response response, Throwable failure) {
            if (failure != null) {
                completeExceptionally(Call.unwrap(failure));
                return;
            }
            if (!follows(
                    response.request(), response.status(), response.headers().contains("Location"))) {
                complete(history.isEmpty() ? response : Bridge.get().withHistory(response, history));
                return;
            }
            List<Response> longer = new ArrayList<>(history.size() + 1);
            longer.addAll(history);
            longer.add(response);
            history = List.copyOf(longer);
            Request next;
            try {
                next = follow(config, first, request, response, history);
            } catch (RuntimeException e) {
                // Thrown here, inside a callback, it would complete nothing: the call fails with it.
                completeExceptionally(e);
                return;
            }
            Events.emit(
                    config.eventListener(),
                    Event.Type.REDIRECT,
                    request,
                    next.url().toString(),
                    response.status(),
                    0,
                    null);
            go(next);
        }
    }

    /**
     * Returns whether an answer {@code status} to {@code request}, with a {@code Location} if
     * {@code hasLocation}, is a redirect this step follows: the one place this is decided (the
     * exchange asks it too, to keep such a body raw and small).
     */
    static boolean follows(Request request, int status, boolean hasLocation) {
        return request.followRedirects() && HttpSemantics.isRedirect(status) && hasLocation;
    }

    /**
     * Returns the request that follows {@code response}.
     *
     * @param first the request the redirects started from, named when there are too many
     * @param request the request {@code response} answered
     * @param history the redirects so far, {@code response} included
     */
    static Request follow(
            SessionConfig config, Request first, Request request, Response response, List<Response> history) {
        RequestUrl from = Bridge.get().url(request);
        if (history.size() > config.maxRedirects()) {
            // The request the caller made, and where the chain had got to; never the Location
            // value itself, which may carry user info.
            throw new TooManyRedirectsException(
                    first.method() + " " + Bridge.get().url(first)
                            + ": more than " + config.maxRedirects() + " redirects; the last was a "
                            + response.status() + " from " + from,
                    history);
        }
        String location = response.headers().get("Location");
        RequestUrl to;
        try {
            to = RequestUrl.resolve(from, location);
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException(
                    request.method() + " " + from + ": refusing to follow " + "a " + response.status() + " redirect: "
                            + e.getMessage(),
                    e);
        }
        if (from.isHttps() && !to.isHttps() && !config.allowHttpsToHttpRedirects()) {
            throw new InvalidRequestException(request.method() + " " + from + ": refusing to follow "
                    + "a redirect from https to http (" + to + ")");
        }
        int code = response.status();
        String method = request.method();
        Body body = request.body().orElse(null);
        boolean toGet = code == 303 && !method.equals("HEAD") || (code == 301 || code == 302) && method.equals("POST");
        Headers.Builder headers = request.headers().toBuilder();
        if (toGet) {
            method = "GET";
            body = null;
            CONTENT_HEADERS.forEach(headers::removeAll);
        } else if (body != null && !body.isReplayable()) {
            throw new ClientPayloadException(
                    request.method() + " " + from + ": cannot follow the "
                            + code + " redirect to " + to + ": the body was a one-shot stream and cannot be "
                            + "sent again",
                    null);
        }
        if (!from.sameOrigin(to)) {
            CREDENTIALS.forEach(headers::removeAll);
            config.sensitiveHeaders().forEach(headers::removeAll);
        }
        return Bridge.get().redirect(request, to, method, headers.build(), body);
    }
}
