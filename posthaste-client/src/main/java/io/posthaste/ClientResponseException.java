package io.posthaste;

import java.lang.reflect.Type;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A response the caller cannot use as it is: the connection has already been released, and the
 * exception keeps what a caller needs to handle it: the status, reason phrase, headers, request
 * method and URL, the redirect history, and a copy of the body capped at
 * {@value #BODY_SNAPSHOT_LIMIT} bytes. Two kinds of failure raise it:
 * <ul>
 * <li>this class itself: the server answered with a status of 400 or more while raise-for-status
 *     was on (the default; see {@link RequestBuilder#raiseForStatus(boolean)});</li>
 * <li>its one subclass, {@link ContentTypeException}: {@link Response#json()} was called on a
 *     response whose body is not JSON. That response may well have succeeded (a 200 HTML page
 *     from a proxy or a login wall), and {@link #status()} is then its status, below 400.</li>
 * </ul>
 * The shape is aiohttp's, where {@code ContentTypeError} is a {@code ClientResponseError}: both
 * describe a response. A {@code catch (ClientResponseException e)} around
 * {@code send().json()} therefore catches both; tell them apart with
 * {@code e instanceof ContentTypeException}, or catch that first.
 *
 * {@snippet :
 * try {
 *     session.post("https://api.example.com/create").json(data).send();
 * } catch (ClientResponseException e) {
 *     System.out.println(e.status());   // 422
 *     System.out.println(e.reason());   // "Unprocessable Entity"
 *     System.out.println(e.bodyText()); // the server's explanation
 * }
 * }
 */
public sealed class ClientResponseException extends ClientException permits ContentTypeException {

    private static final long serialVersionUID = 1L;

    /** The most bytes of the error body kept in the exception. */
    public static final int BODY_SNAPSHOT_LIMIT = 64 * 1024;

    private final int status;
    private final String reason;
    private final transient Headers headers;
    private final String method;
    private final String url;
    private final transient List<Response> history;
    private final byte[] body;
    private final boolean bodyTruncated;
    private final transient Charset charset;
    private final transient JsonCodec codec;

    /**
     * Creates an exception describing {@code response}, keeping a capped copy of its body.
     *
     * @param response the 4xx/5xx response
     */
    public ClientResponseException(Response response) {
        this(response, describe(response));
        if (response.attempts() > 1) {
            retried(response.attempts(), response.earlierAttempts());
        }
    }

    ClientResponseException(Response response, String message) {
        super(message, null);
        timedBy(response.timingsSource());
        this.status = response.status();
        this.reason = response.reason();
        this.headers = response.headers();
        this.method = response.request().method();
        this.url = response.request().redactedUrl();
        this.history = response.history();
        byte[] full = response.bodyForError();
        this.bodyTruncated = full.length > BODY_SNAPSHOT_LIMIT;
        this.body = bodyTruncated ? Arrays.copyOf(full, BODY_SNAPSHOT_LIMIT) : full;
        this.charset = response.charset();
        this.codec = response.codec();
    }

    private static String describe(Response response) {
        return response.status() + ", message='" + response.reason() + "', method='"
                + response.request().method() + "', url='" + response.request().redactedUrl() + "'";
    }

    /**
     * Returns the HTTP status code: 400 or more when raise-for-status raised this exception; for
     * a {@link ContentTypeException}, the status of the response whose body was not JSON, often
     * a 2xx.
     */
    public int status() {
        return status;
    }

    /** Returns the reason phrase the server sent; may be empty, never {@code null}. */
    public String reason() {
        return reason;
    }

    /** Returns the response headers. */
    public Headers headers() {
        return headers;
    }

    /** Returns the request method, e.g. {@code "POST"}. */
    public String method() {
        return method;
    }

    /** Returns the request URL without user info. */
    public String url() {
        return url;
    }

    /** Returns the redirect responses that led to this one, oldest first; empty if none. */
    public List<Response> history() {
        return history;
    }

    /** Returns a copy of the response body, at most {@value #BODY_SNAPSHOT_LIMIT} bytes. */
    public byte[] body() {
        return body.clone();
    }

    /** Returns whether the body was longer than the snapshot kept here. */
    public boolean isBodyTruncated() {
        return bodyTruncated;
    }

    /**
     * Returns the error body as text, decoded with the charset of its {@code Content-Type}
     * (UTF-8 when none is given). Undecodable bytes are replaced, since this is for diagnostics.
     */
    public String bodyText() {
        return new String(body, charset);
    }

    /**
     * Decodes the error body as JSON into {@code type} with the session's codec.
     *
     * @param type the target class
     * @param <T> the target type
     * @return the decoded value, or {@code null} for an empty body
     * @throws ClientPayloadException if the body is not valid JSON for {@code type} or was truncated
     */
    public <T> @Nullable T bodyAs(Class<T> type) {
        return bodyAs((Type) type);
    }

    /**
     * Decodes the error body as JSON into a generic {@code type} with the session's codec.
     *
     * @param type the target type
     * @param <T> the target type
     * @return the decoded value, or {@code null} for an empty body
     */
    public <T> @Nullable T bodyAs(Type type) {
        if (bodyTruncated) {
            throw new ClientPayloadException(
                    "error body of " + method + " " + url + " exceeds " + BODY_SNAPSHOT_LIMIT
                            + " bytes and was truncated",
                    null);
        }
        return Response.decodeJson(codec, body, type, method, url);
    }
}
