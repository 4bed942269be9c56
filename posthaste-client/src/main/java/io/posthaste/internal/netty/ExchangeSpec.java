package io.posthaste.internal.netty;

import io.posthaste.Body;
import io.posthaste.Request;
import io.posthaste.Timeouts;
import io.posthaste.internal.codec.RequestUrl;

/**
 * Everything one exchange needs, worked out once per request so retries resend identical bytes.
 *
 * @param request the public request
 * @param url its parsed URL
 * @param headLines name/value pairs of the head in wire order, without framing headers
 * @param headLineCount how many entries of {@code headLines} are used
 * @param body the body, or {@code null}
 * @param framing how the body is delimited
 * @param declaredLength the {@code Content-Length} to send, or -1 when unknown
 * @param timeouts timeouts in force
 * @param streaming whether the body should be streamed rather than buffered
 * @param raiseForStatus whether 4xx/5xx will raise (then the body is always buffered)
 * @param followRedirects whether a 3xx with a Location will be followed (its body is buffered)
 * @param maxBodySize the cap on a buffered body
 * @param decompress whether to decode compressed bodies (every coding of {@code ContentCodings})
 * @param retryable whether a stale pooled connection may be retried once
 * @param progress the request's progress listeners, or {@code null}
 */
record ExchangeSpec(Request request, RequestUrl url, String[] headLines, int headLineCount, Body body, Framing framing,
        long declaredLength, Timeouts timeouts, boolean streaming, boolean raiseForStatus,
        boolean followRedirects,
        long maxBodySize, boolean decompress, boolean retryable,
        io.posthaste.internal.chain.ProgressListeners progress) {

    /** How the request body is delimited on the wire. */
    enum Framing {
        /** No body and no framing header (GET, HEAD, ...). */
        NONE,
        /** {@code Content-Length}, known before sending. */
        LENGTH,
        /** {@code Content-Length}, known once the JSON is encoded. */
        ENCODED_LENGTH,
        /** {@code Transfer-Encoding: chunked}. */
        CHUNKED
    }

    /** Returns whether the body waits for {@code 100 Continue}. */
    boolean expectsContinue() {
        return body != null && framing != Framing.NONE
                && "100-continue".equalsIgnoreCase(request.headers().get("Expect"));
    }

    boolean isHead() {
        return request.method().equals("HEAD");
    }

    String describe() {
        return request.method() + " " + url;
    }
}
