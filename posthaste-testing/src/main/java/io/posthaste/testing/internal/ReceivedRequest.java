package io.posthaste.testing.internal;

import java.util.List;
import java.util.Map;

/**
 * One request as the connection read it; the state behind {@code RecordedRequest}.
 *
 * @param head request line and headers
 * @param body the body bytes kept (at most the server's recording limit; empty for {@code /sink})
 * @param bodySize the number of body bytes received, including those not kept
 * @param chunked whether the body used chunked framing
 * @param chunkSizes the chunk sizes in order (not kept for {@code /sink})
 * @param trailers trailer fields of a chunked body
 * @param connectionId 1-based number of the connection
 * @param sequence 0-based number of the request on its connection
 * @param tls whether the connection used TLS
 * @param remoteIp the client's IP address
 * @param sink what {@code /sink} measured, or null for any other request
 * @param streamId the HTTP/2 stream the request came on, or 0 on HTTP/1.1
 */
public record ReceivedRequest(
        RequestHead head,
        byte[] body,
        long bodySize,
        boolean chunked,
        List<Integer> chunkSizes,
        List<Map.Entry<String, String>> trailers,
        int connectionId,
        int sequence,
        boolean tls,
        String remoteIp,
        SinkResult sink,
        int streamId) {}
