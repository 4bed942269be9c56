package io.posthaste.internal.chain;

import io.posthaste.Headers;
import io.posthaste.Request;
import java.io.InputStream;

/**
 * What an exchange produced: the response head and either the whole body or a stream of it.
 *
 * @param request the request that was sent
 * @param status the status code
 * @param reason the reason phrase, possibly empty
 * @param headers the response headers
 * @param version e.g. {@code "HTTP/1.1"}
 * @param body the whole (decoded) body, or {@code null} when streamed
 * @param stream the body as a stream, or {@code null} when buffered
 * @param closeStream releases the connection behind {@code stream}
 */
public record RawResponse(Request request, int status, String reason, Headers headers,
        String version, byte[] body, InputStream stream, Runnable closeStream) {
}
