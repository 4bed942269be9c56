package io.posthaste.testing;

import io.posthaste.testing.internal.Multipart;
import io.posthaste.testing.internal.MultipartParser;
import io.posthaste.testing.internal.ReceivedRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One request as the server received it: request line, headers in arrival order with their
 * original case, body bytes, framing details and the connection it came on. Immutable and
 * thread-safe.
 *
 * <p>The body keeps at most {@link TestServer.Builder#maxRecordedBodyBytes(long)} bytes (16 MiB by
 * default); {@link #bodySize()} always counts every byte. Requests to {@code /sink} keep no body and
 * no chunk sizes.
 */
public final class RecordedRequest {

    private final ReceivedRequest r;
    private volatile List<Part> parts;

    RecordedRequest(ReceivedRequest received) {
        this.r = received;
    }

    /** Returns the method, e.g. {@code POST}. */
    public String method() {
        return r.head().method();
    }

    /** Returns the request-target exactly as sent, e.g. {@code /post?a=1}. */
    public String target() {
        return r.head().target();
    }

    /** Returns the path of the target without the query, still percent-encoded. */
    public String path() {
        return r.head().path();
    }

    /** Returns the query of the target without {@code ?}, still percent-encoded, or null if none. */
    public String query() {
        return r.head().query();
    }

    /** Returns the protocol: {@code HTTP/1.1}, {@code HTTP/1.0}, or {@code HTTP/2} for a request on an HTTP/2 stream, or {@code HTTP/3} on an HTTP/3 stream. */
    public String version() {
        return r.head().version();
    }

    /**
     * Returns the header fields in arrival order with their original case; values are trimmed. On
     * HTTP/2 the pseudo-header fields are left out ({@link #method()} and {@link #target()} carry
     * them) and {@code :authority} appears first as {@code Host}, as RFC 9113 section 8.3.1 has an
     * HTTP/1.1 intermediary do, unless the request also sent a {@code host} field.
     */
    public List<Map.Entry<String, String>> headers() {
        return r.head().headers();
    }

    /** Returns the first value of the named header (case-insensitive), or null. */
    public String header(String name) {
        return r.head().header(name);
    }

    /** Returns every value of the named header (case-insensitive), in arrival order. */
    public List<String> headers(String name) {
        return r.head().headers(name);
    }

    /** Returns a copy of the recorded body bytes (possibly truncated; see the class comment). */
    public byte[] body() {
        return r.body().clone();
    }

    /** Returns the recorded body decoded as UTF-8. */
    public String bodyUtf8() {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** Returns the number of body bytes received, including any not recorded. */
    public long bodySize() {
        return r.bodySize();
    }

    /**
     * Returns the HTTP/2 stream the request came on (1, 3, 5, ...), the QUIC stream on HTTP/3 (0, 4,
     * 8, ...; tell the two apart by {@link #version()}), or 0 for HTTP/1.x.
     */
    public int streamId() {
        return r.streamId();
    }

    /** Returns whether the body used chunked transfer coding (never on HTTP/2, which has no such coding). */
    public boolean chunked() {
        return r.chunked();
    }

    /**
     * Returns the size of each chunk of a chunked body, in order (empty otherwise); on HTTP/2 and
     * HTTP/3, the payload size of each DATA frame that carried body bytes as the server read it,
     * which shows the client's framing and flow control at work (on HTTP/3, QUIC may deliver one
     * frame in pieces).
     */
    public List<Integer> chunkSizes() {
        return r.chunkSizes();
    }

    /** Returns the trailer fields of a chunked body, or the trailing HEADERS of an HTTP/2 or HTTP/3 request (empty otherwise). */
    public List<Map.Entry<String, String>> trailers() {
        return r.trailers();
    }

    /** Returns the number of the connection this request arrived on: 1 for the first accepted, then 2, ... */
    public int connectionId() {
        return r.connectionId();
    }

    /**
     * Returns 0 for the first request on its connection, 1 for the next, ... (proves keep-alive
     * reuse; on HTTP/2 and HTTP/3, counts streams in the order they opened).
     */
    public int sequenceOnConnection() {
        return r.sequence();
    }

    /** Returns whether the request arrived over TLS. */
    public boolean tls() {
        return r.tls();
    }

    /** Returns the client's IP address as text, e.g. {@code 127.0.0.1}. */
    public String remoteIp() {
        return r.remoteIp();
    }

    /** Returns the URL as the server saw it: scheme, the Host header, and the target's path and query. */
    public String url() {
        String target = target();
        if (target.startsWith("http://") || target.startsWith("https://")) {
            return target;
        }
        String host = header("Host");
        return (tls() ? "https://" : "http://") + (host != null ? host : "localhost") + target;
    }

    /**
     * Returns the parts of a {@code multipart/*} body, decoded by the server's own parser, or an empty
     * list for any other body.
     *
     * @throws IllegalStateException when the body claims to be multipart but is malformed or was truncated
     */
    public List<Part> parts() {
        List<Part> decoded = parts;
        if (decoded == null) {
            if (r.body().length < r.bodySize() && MultipartParser.boundary(header("Content-Type")) != null) {
                throw new IllegalStateException("multipart body of " + r.bodySize()
                        + " bytes was truncated to the recording limit; raise maxRecordedBodyBytes");
            }
            try {
                decoded = Multipart.decode(header("Content-Type"), r.body());
            } catch (MultipartParser.MalformedException e) {
                throw new IllegalStateException("malformed multipart body: " + e.getMessage(), e);
            }
            parts = decoded;
        }
        return decoded;
    }

    ReceivedRequest received() {
        return r;
    }

    @Override
    public String toString() {
        return method() + " " + target() + " " + version() + " (connection " + connectionId() + ", request "
                + sequenceOnConnection() + ", " + bodySize() + " body bytes)";
    }
}
