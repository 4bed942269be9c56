package io.posthaste.internal.exchange;

import io.posthaste.Body;
import io.posthaste.Request;
import io.posthaste.Timeouts;
import io.posthaste.internal.Bridge;
import io.posthaste.internal.body.BodyKind;
import io.posthaste.internal.connection.Origin;
import io.posthaste.internal.proxy.Route;
import io.posthaste.internal.session.ProgressListeners;
import io.posthaste.internal.url.RequestUrl;

/**
 * Everything one exchange needs, worked out once per request so retries resend identical bytes.
 *
 * @param request the public request
 * @param url its parsed URL
 * @param headLines name/value pairs of the head in wire order, without framing headers
 * @param headLineCount how many entries of {@code headLines} are used
 * @param body the body, or {@code null}
 * @param bodyKind what the body is, for sending it
 * @param framing how the body is delimited
 * @param declaredLength the {@code Content-Length} to send, or -1 when unknown
 * @param timeouts timeouts in force
 * @param policy how the steps above will use the response's body
 * @param maxBodySize the cap on a buffered body
 * @param decompress whether to decode compressed bodies (every coding of {@code ContentCodings})
 * @param retryable whether the request may be sent again after a failure on a reused connection
 *     (idempotent, with a replayable body)
 * @param progress the request's progress listeners, or {@code null}
 * @param route which way the request goes to its origin (chosen once: retries take the same)
 */
public record ExchangeSpec(
        Request request,
        RequestUrl url,
        String[] headLines,
        int headLineCount,
        Body body,
        BodyKind bodyKind,
        Framing framing,
        long declaredLength,
        Timeouts timeouts,
        BodyPolicy policy,
        long maxBodySize,
        boolean decompress,
        boolean retryable,
        ProgressListeners progress,
        Route route) {

    /** How the request body is delimited on the wire. */
    public enum Framing {
        /** No body and no framing header (GET, HEAD, ...). */
        NONE,
        /** {@code Content-Length}, known before sending. */
        LENGTH,
        /** {@code Content-Length}, known once the JSON is encoded. */
        ENCODED_LENGTH,
        /** {@code Transfer-Encoding: chunked}. */
        CHUNKED
    }

    /**
     * Returns the {@code Proxy-Authorization} of a head forwarded to the route's proxy: the answer
     * to its Digest challenge once it gave one, else the proxy URL's user by Basic; {@code null}
     * when the proxy URL has no user (or the route has no proxy).
     */
    public String proxyAuthorization() {
        if (route.proxy() == null || route.proxy().user() == null) {
            return null;
        }
        String answer = Bridge.get().extras(request).proxyAuthorization();
        return answer != null ? answer : route.proxy().basicAuthorization();
    }

    /** Returns the pool key of the request's connections: its URL's origin, reached by its route. */
    public Origin origin() {
        return Origin.of(url, route);
    }

    /** Returns whether the body waits for {@code 100 Continue}. */
    public boolean expectsContinue() {
        return body != null
                && framing != Framing.NONE
                && "100-continue".equalsIgnoreCase(request.headers().get("Expect"));
    }

    /** Returns whether the body is sent on a blocking thread on a connection ({@code zeroCopy}: plain). */
    public boolean bodyFollowsHead(boolean zeroCopy) {
        // With Expect: 100-continue the head goes alone and the body waits for the answer.
        return expectsContinue() || !bodyKind.isNonBlocking(zeroCopy);
    }

    /** Returns whether the body, once begun, cannot be sent again. */
    public boolean isOneShot() {
        return body != null && !body.isReplayable();
    }

    public boolean isHead() {
        return request.method().equals("HEAD");
    }

    /** Names the request in messages: method and URL (user info never shown). */
    public String describe() {
        return request.method() + " " + url;
    }
}
