package io.posthaste.internal.chain;

import io.posthaste.Body;
import io.posthaste.ClientPayloadException;
import io.posthaste.Headers;
import io.posthaste.InvalidRequestException;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.TooManyRedirectsException;
import io.posthaste.internal.Bridge;
import io.posthaste.internal.codec.HttpSemantics;
import io.posthaste.internal.codec.RequestUrl;
import java.util.List;

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
 */
final class Redirects {

    private static final List<String> CONTENT_HEADERS = List.of("Content-Type", "Content-Length",
            "Transfer-Encoding", "Content-Encoding");
    private static final List<String> CREDENTIALS = List.of("Authorization", "Cookie",
            "Proxy-Authorization", "Host");

    private Redirects() {
    }

    static boolean isRedirect(Response response) {
        return HttpSemantics.isRedirect(response.status()) && response.headers().contains("Location");
    }

    /**
     * Returns the request that follows {@code response}.
     *
     * @param first the request the redirects started from, named when there are too many
     * @param request the request {@code response} answered
     * @param history the redirects so far, {@code response} included
     */
    static Request follow(SessionConfig config, Request first, Request request, Response response,
            List<Response> history) {
        RequestUrl from = Bridge.get().url(request);
        if (history.size() > config.maxRedirects()) {
            // The request the caller made, and where the chain had got to; never the Location
            // value itself, which may carry user info.
            throw new TooManyRedirectsException(first.method() + " " + Bridge.get().url(first)
                    + ": more than " + config.maxRedirects() + " redirects; the last was a "
                    + response.status() + " from " + from, history);
        }
        String location = response.headers().get("Location");
        RequestUrl to;
        try {
            to = RequestUrl.resolve(from, location);
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException(request.method() + " " + from + ": refusing to follow "
                    + "a " + response.status() + " redirect: " + e.getMessage(), e);
        }
        if (from.isHttps() && !to.isHttps() && !config.allowHttpsToHttpRedirects()) {
            throw new InvalidRequestException(request.method() + " " + from + ": refusing to follow "
                    + "a redirect from https to http (" + to + ")");
        }
        int code = response.status();
        String method = request.method();
        Body body = request.body().orElse(null);
        boolean toGet = code == 303 && !method.equals("HEAD")
                || (code == 301 || code == 302) && method.equals("POST");
        Headers.Builder headers = request.headers().toBuilder();
        if (toGet) {
            method = "GET";
            body = null;
            CONTENT_HEADERS.forEach(headers::removeAll);
        } else if (body != null && !body.isReplayable()) {
            throw new ClientPayloadException(request.method() + " " + from + ": cannot follow the "
                    + code + " redirect to " + to + ": the body was a one-shot stream and cannot be "
                    + "sent again", null);
        }
        if (!from.sameOrigin(to)) {
            CREDENTIALS.forEach(headers::removeAll);
            config.sensitiveHeaders().forEach(headers::removeAll);
        }
        return Bridge.get().redirect(request, to, method, headers.build(), body);
    }
}
