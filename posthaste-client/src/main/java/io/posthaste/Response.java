package io.posthaste;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.posthaste.internal.semantics.LinkHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A complete HTTP response: status, headers and the whole body, already read (and decompressed)
 * so the connection is back in the pool before you see this object. Immutable and thread-safe.
 * The body is capped by {@link ClientSession.Builder#maxResponseBodySize(long)} (64 MiB by
 * default); use {@link RequestBuilder#stream()} for bodies of any size.
 *
 * {@snippet :
 * Response response = session.get("https://api.example.com/data").send();
 * JsonNode data = response.json();          // checks Content-Type is JSON
 * MyType typed = response.json(MyType.class);
 * }
 */
public final class Response {

    private static final byte[] EMPTY = new byte[0];

    private final Request request;
    private final int status;
    private final String reason;
    private final Headers headers;
    private final String version;
    private final byte[] body;
    private final List<Response> history;
    private final JsonCodec codec;
    private final boolean checkJsonContentType;
    /** The body still streaming in, or null: the body is buffered in {@link #body}. */
    private final @Nullable InputStream stream;

    private final @Nullable Runnable closeStream;
    /** How many attempts the retry step made for this response, and what the earlier ones got. */
    private final int attempts;

    private final List<Throwable> earlierAttempts;
    private final CacheStatus cacheStatus;
    /** Makes the timings when asked (the exchange's record of them), or null: no server sent it. */
    private final @Nullable Supplier<Timings> timings;
    /** Where the trailer fields come from, or null if none came. */
    private final @Nullable Supplier<Headers> trailers;

    Response(
            Request request,
            int status,
            @Nullable String reason,
            Headers headers,
            String version,
            byte @Nullable [] body,
            List<Response> history,
            JsonCodec codec,
            boolean checkJsonContentType) {
        this(
                request,
                status,
                reason,
                headers,
                version,
                body,
                history,
                codec,
                checkJsonContentType,
                null,
                null,
                null,
                null);
    }

    Response(
            Request request,
            int status,
            @Nullable String reason,
            Headers headers,
            String version,
            byte @Nullable [] body,
            List<Response> history,
            JsonCodec codec,
            boolean checkJsonContentType,
            @Nullable InputStream stream,
            @Nullable Runnable closeStream,
            @Nullable Supplier<Timings> timings,
            @Nullable Supplier<Headers> trailers) {
        this(
                request,
                status,
                reason,
                headers,
                version,
                body,
                history,
                codec,
                checkJsonContentType,
                stream,
                closeStream,
                1,
                List.of(),
                CacheStatus.UNCACHED,
                timings,
                trailers);
    }

    private Response(
            Request request,
            int status,
            @Nullable String reason,
            Headers headers,
            String version,
            byte @Nullable [] body,
            List<Response> history,
            JsonCodec codec,
            boolean checkJsonContentType,
            @Nullable InputStream stream,
            @Nullable Runnable closeStream,
            int attempts,
            List<Throwable> earlierAttempts,
            CacheStatus cacheStatus,
            @Nullable Supplier<Timings> timings,
            @Nullable Supplier<Headers> trailers) {
        this.trailers = trailers;
        this.stream = stream;
        this.closeStream = closeStream;
        this.request = request;
        this.status = status;
        this.reason = reason == null ? "" : reason;
        this.headers = headers.maskedLike(request.headers());
        this.version = version;
        this.body = body == null ? EMPTY : body;
        this.history = List.copyOf(history);
        this.codec = codec;
        this.checkJsonContentType = checkJsonContentType;
        this.attempts = attempts;
        this.earlierAttempts = earlierAttempts;
        this.cacheStatus = cacheStatus;
        this.timings = timings;
    }

    /**
     * Returns a response to {@code request} that no server sent: how an interceptor answers
     * without proceeding (a stub, a recorded exchange). It has no history and is reported
     * {@link CacheStatus#UNCACHED}; its JSON is read with the default codec
     * ({@link JsonCodec#jackson()}), checking the content type. The body is copied.
     *
     * @param reason the reason phrase, or {@code null} for none (reported as empty)
     * @param version the protocol version to report, e.g. {@code "HTTP/1.1"}
     * @param body the body, or {@code null} for none (reported as empty)
     * @throws IllegalArgumentException if {@code status} is not between 100 and 999
     */
    public static Response of(
            Request request,
            int status,
            @Nullable String reason,
            String version,
            Headers headers,
            byte @Nullable [] body) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(version, "version");
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status must be between 100 and 999: " + status);
        }
        return new Response(
                request,
                status,
                reason,
                headers,
                version,
                body == null ? null : body.clone(),
                List.of(),
                JsonCodec.jackson(),
                true);
    }

    /** Returns the status code, e.g. 200. */
    public int status() {
        return status;
    }

    /** Returns the reason phrase, e.g. {@code "OK"}; may be empty, never {@code null}. */
    public String reason() {
        return reason;
    }

    /** Returns whether the status is 2xx. */
    public boolean isSuccessful() {
        return status >= 200 && status < 300;
    }

    /** Returns the response headers. */
    public Headers headers() {
        return headers;
    }

    /**
     * Returns the trailer fields that followed the body: an HTTP/2 trailing HEADERS block, or the
     * trailer section of an HTTP/1.1 chunked body. Empty when none came, as on most responses.
     */
    public Headers trailers() {
        return trailers == null ? Headers.empty() : trailers.get();
    }

    /** Returns the protocol version, e.g. {@code "HTTP/1.1"}. */
    public String version() {
        return version;
    }

    /** Returns the URL this response came from (the last one, after redirects). */
    public URI url() {
        return request.url();
    }

    /** Returns the request that produced this response. */
    public Request request() {
        return request;
    }

    /** Returns the redirect responses that led here, oldest first; empty if none. */
    public List<Response> history() {
        return history;
    }

    /**
     * Returns the links of the {@code Link} headers (RFC 8288) by relation, e.g.
     * {@code links().get("next")} for pagination; URLs are resolved against this response's URL.
     */
    public Map<String, Link> links() {
        List<String> values = headers.allValues("Link");
        return values.isEmpty() ? Map.of() : LinkHeaders.parse(values, request.url());
    }

    /** Returns the parsed {@code Content-Type}, if present and well-formed. */
    public Optional<MediaType> contentType() {
        return MediaType.tryParse(headers.get("Content-Type"));
    }

    /**
     * Returns a copy of the body.
     *
     * @throws IllegalStateException inside an interceptor, for a response being streamed
     */
    public byte[] bytes() {
        return buffered().clone();
    }

    /** Returns the body's length in bytes (after decompression). */
    public int bodyLength() {
        return body.length;
    }

    /**
     * Returns the body as text in the charset of its {@code Content-Type}, or UTF-8 when none is
     * named (JSON is always UTF-8 unless labelled otherwise).
     *
     * @throws ClientPayloadException if the bytes are not valid in that charset
     */
    public String text() {
        return text(charset());
    }

    /**
     * Returns the body as text in {@code charset}, whatever the server said.
     *
     * @throws ClientPayloadException if the bytes are not valid in that charset
     */
    public String text(Charset charset) {
        byte[] body = buffered();
        if (charset.equals(StandardCharsets.ISO_8859_1) || charset.equals(StandardCharsets.US_ASCII) && isAscii(body)) {
            return new String(body, charset);
        }
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ClientPayloadException(
                    "body of " + request.method() + " " + request.redactedUrl() + " is not valid " + charset.name(), e);
        }
    }

    /**
     * Returns the body as a JSON tree, or {@code null} for an empty body.
     *
     * @throws ContentTypeException if the {@code Content-Type} is not JSON (unless the session
     *     was told not to check)
     * @throws ClientPayloadException if the body is not valid JSON
     */
    public @Nullable JsonNode json() {
        return json((Type) JsonNode.class);
    }

    /** Returns the body decoded as JSON into {@code type}, or {@code null} for an empty body. */
    public <T> @Nullable T json(Class<T> type) {
        return json((Type) type);
    }

    /** Returns the body decoded as JSON into a generic type, or {@code null} for an empty body. */
    public <T> @Nullable T json(TypeReference<T> type) {
        return json(type.getType());
    }

    private <T> @Nullable T json(Type type) {
        byte[] body = buffered();
        if (checkJsonContentType && !contentType().map(MediaType::isJson).orElse(false)) {
            throw new ContentTypeException(this);
        }
        return decodeJson(codec, body, type, request.method(), request.redactedUrl());
    }

    static <T> @Nullable T decodeJson(JsonCodec codec, byte[] body, Type type, String method, String url) {
        if (isBlank(body)) {
            return null;
        }
        try {
            return codec.read(body, type);
        } catch (IOException e) {
            throw new ClientPayloadException(
                    "body of " + method + " " + url + " is not valid JSON for " + type.getTypeName() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private byte[] buffered() {
        if (stream != null) {
            throw new IllegalStateException("this response is being streamed; read its body from "
                    + "the StreamingResponse that stream() returns");
        }
        return body;
    }

    Response withHistory(List<Response> earlier) {
        return new Response(
                request,
                status,
                reason,
                headers,
                version,
                body,
                earlier,
                codec,
                checkJsonContentType,
                stream,
                closeStream,
                attempts,
                earlierAttempts,
                cacheStatus,
                timings,
                trailers);
    }

    /** Returns this response as the last of {@code attempts}, the earlier ones failing with {@code earlier}. */
    Response afterAttempts(int attempts, List<Throwable> earlier) {
        return new Response(
                request,
                status,
                reason,
                headers,
                version,
                body,
                history,
                codec,
                checkJsonContentType,
                stream,
                closeStream,
                attempts,
                List.copyOf(earlier),
                cacheStatus,
                timings,
                trailers);
    }

    /**
     * Returns how an {@link HttpCache} took part in this response: {@link CacheStatus#UNCACHED}
     * when none did (no cache, or a request it does not handle), else whether it came from the
     * network ({@code MISS}) or the store ({@code HIT}, {@code REVALIDATED}, {@code STALE}).
     */
    public CacheStatus cacheStatus() {
        return cacheStatus;
    }

    /** Returns this response as the cache reports it. */
    Response withCacheStatus(CacheStatus status) {
        return new Response(
                request,
                this.status,
                reason,
                headers,
                version,
                body,
                history,
                codec,
                checkJsonContentType,
                stream,
                closeStream,
                attempts,
                earlierAttempts,
                status,
                timings,
                trailers);
    }

    /**
     * Returns a buffered response to {@code request} with these parts, decoding JSON as this one
     * does: how the cache answers from its store (the session's codec is known only from its
     * responses).
     */
    Response replayed(
            Request request,
            int status,
            String reason,
            Headers headers,
            String version,
            byte[] body,
            CacheStatus cacheStatus) {
        return new Response(
                request,
                status,
                reason,
                headers,
                version,
                body,
                List.of(),
                codec,
                checkJsonContentType,
                null,
                null,
                1,
                List.of(),
                cacheStatus,
                null,
                null);
    }

    /**
     * Returns where the time of the call went: waiting for a connection, DNS, connect, TLS,
     * writing, waiting for the head, reading the body, and the whole call, with the number of
     * network attempts and redirects. A response in {@link #history()} reports its own hop: its
     * total is that exchange's, its attempts that hop's. A response no server sent (made by an
     * interceptor or {@link #of}, or served from an {@link HttpCache}'s store) reports zeros.
     * Made when asked: a response whose timings nobody reads costs no more than the few clock
     * reads its exchange made.
     */
    public Timings timings() {
        return timings == null ? Timings.NONE : timings.get();
    }

    @Nullable
    Supplier<Timings> timingsSource() {
        return timings;
    }

    @Nullable
    Supplier<Headers> trailerSource() {
        return trailers;
    }

    int attempts() {
        return attempts;
    }

    List<Throwable> earlierAttempts() {
        return earlierAttempts;
    }

    byte[] bodyForError() {
        return stream == null ? body : EMPTY;
    }

    /** Returns the body still streaming in, or null for a buffered response. */
    @Nullable
    InputStream stream() {
        return stream;
    }

    @Nullable
    Runnable closeStream() {
        return closeStream;
    }

    /** Releases the connection of a streamed response nobody will read (e.g. a redirect). */
    void discard() {
        if (closeStream != null) {
            closeStream.run();
        }
    }

    Charset charset() {
        Optional<MediaType> type = contentType();
        return type.flatMap(MediaType::charset).orElse(StandardCharsets.UTF_8);
    }

    JsonCodec codec() {
        return codec;
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /** Returns status, method and URL; never headers, which may hold credentials. */
    @Override
    public String toString() {
        return "Response[" + status + " " + reason + ", " + request.method() + " " + request.redactedUrl() + "]";
    }
}
