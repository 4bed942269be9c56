package io.posthaste;

import io.posthaste.internal.body.FileBody;
import io.posthaste.internal.body.JsonBody;
import io.posthaste.internal.proxy.Route;
import io.posthaste.internal.proxy.Routes;
import io.posthaste.internal.semantics.HttpSemantics;
import io.posthaste.internal.session.DigestCredentials;
import io.posthaste.internal.session.ProgressListeners;
import io.posthaste.internal.session.RequestExtras;
import io.posthaste.internal.session.SessionAuth;
import io.posthaste.internal.session.SessionConfig;
import io.posthaste.internal.url.RequestUrl;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * Builds one request and sends it. Every value is checked when it is given: a header with CR or
 * LF, or a file to upload that is missing, a directory or unreadable, fails at that call with
 * {@link InvalidRequestException} naming the method and URL, long before anything is sent (a
 * malformed URL fails at the latest when the request is built). Not thread-safe; make one per
 * request.
 *
 * <p>Bodies: {@link #json(Object)}, {@link #form(Map)} / {@link #formField}, {@link #files(Map)} /
 * {@link #file}, {@link #multipart(Multipart)} and {@link #body(Body)}. Form fields together with
 * files make one {@code multipart/form-data} body. {@code json} with any other body, or
 * {@code body} with a form or files, is an {@link IllegalArgumentException}.
 *
 * {@snippet :
 * Response response = session.post("https://api.example.com/login")
 *         .header("X-Request-Id", "42")
 *         .query("lang", "en")
 *         .form(Map.of("username", "john", "password", "1234"))
 *         .send();
 * }
 */
public final class RequestBuilder {

    private final ClientSession session;
    private final String method;
    private final String url;
    private Headers.@Nullable Builder headers;
    private List<Map.Entry<String, String>> query = List.of();
    private Set<String> skippedAutoHeaders = Set.of();
    private @Nullable Timeouts timeouts;
    private @Nullable Boolean raiseForStatus;
    private @Nullable Boolean followRedirects;
    private @Nullable RetryPolicy retryPolicy;
    private @Nullable String authorization;
    /** The Digest user and password, or null: no Digest credentials. */
    private String @Nullable [] digest;

    private @Nullable String compression;
    private @Nullable ProgressListener uploadProgress;
    private @Nullable ProgressListener downloadProgress;
    private boolean expectContinue;
    private @Nullable List<Interceptor> interceptors;
    private @Nullable Object json;
    private boolean hasJson;
    private FormBody.@Nullable Builder form;
    private Multipart.@Nullable Builder files;
    private @Nullable Body body;
    private @Nullable Map<Class<?>, Object> tags;
    private @Nullable Route route;

    RequestBuilder(ClientSession session, String method, String url) {
        this.session = session;
        this.method = method;
        this.url = Objects.requireNonNull(url, "url");
    }

    /**
     * Sets a header, replacing the session's default of the same name (any case) and any value
     * set before on this builder.
     *
     * @throws InvalidRequestException if the name is not a token or the value has CR, LF or NUL
     */
    public RequestBuilder header(String name, String value) {
        ownHeaders().set(name, value);
        return this;
    }

    /** Adds a header value, keeping earlier values of the same name on this builder. */
    public RequestBuilder addHeader(String name, String value) {
        ownHeaders().add(name, value);
        return this;
    }

    /** Sets each header in {@code headers}, as {@link #header(String, String)} does. */
    public RequestBuilder headers(Map<String, String> headers) {
        Objects.requireNonNull(headers, "headers").forEach(this::header);
        return this;
    }

    /**
     * Stops an automatic header from being added: {@code User-Agent}, {@code Accept},
     * {@code Accept-Encoding} or {@code Content-Type}. {@code Content-Length} cannot be skipped.
     */
    public RequestBuilder skipAutoHeader(String name) {
        String lower = Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
        if (!Set.of("user-agent", "accept", "accept-encoding", "content-type").contains(lower)) {
            throw new IllegalArgumentException(
                    "only User-Agent, Accept, Accept-Encoding and " + "Content-Type can be skipped, not " + name);
        }
        if (skippedAutoHeaders.isEmpty()) {
            skippedAutoHeaders = new LinkedHashSet<>(4);
        }
        skippedAutoHeaders.add(lower);
        return this;
    }

    /**
     * Appends a query parameter (percent-encoded), after any query already in the URL. A name
     * may be given more than once; the fragment of the URL is never sent.
     */
    public RequestBuilder query(String name, String value) {
        checkQueryParameter(name, value);
        if (query.isEmpty()) {
            query = new ArrayList<>(4);
        }
        query.add(Map.entry(name, value));
        return this;
    }

    /**
     * Appends every entry of {@code parameters} as {@link #query(String, String)} does, in the
     * map's iteration order: pass a {@link java.util.LinkedHashMap} or a {@link java.util.TreeMap}
     * when the order matters ({@code Map.of} has none). Parameters are only ever appended, never
     * replaced: a name already in the URL or added before keeps its value, and the new one follows
     * it. For several values of one name, call {@link #query(String, String)} once per value.
     *
     * @throws NullPointerException if the map, a name or a value is {@code null}; the message
     *     names the parameter, and nothing of the map is added
     */
    public RequestBuilder query(Map<String, String> parameters) {
        Objects.requireNonNull(parameters, "parameters").forEach(RequestBuilder::checkQueryParameter);
        parameters.forEach(this::query);
        return this;
    }

    private static void checkQueryParameter(String name, String value) {
        if (name == null) {
            throw new NullPointerException("a query parameter name is null");
        }
        if (value == null) {
            throw new NullPointerException("value of query parameter '" + name + "' is null");
        }
    }

    /** Limits the whole exchange, from this call to the last byte of the body. */
    public RequestBuilder timeout(Duration total) {
        this.timeouts = (timeouts != null ? timeouts : session.config().timeouts())
                .toBuilder().total(Objects.requireNonNull(total, "total")).build();
        return this;
    }

    /** Replaces all of the session's timeouts for this request. */
    public RequestBuilder timeouts(Timeouts timeouts) {
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        return this;
    }

    /** Overrides the session's raise-for-status setting (on by default) for this request. */
    public RequestBuilder raiseForStatus(boolean raise) {
        this.raiseForStatus = raise;
        return this;
    }

    /**
     * Overrides whether redirects are followed (the session's setting by default: on, except
     * for HEAD requests).
     */
    public RequestBuilder followRedirects(boolean follow) {
        this.followRedirects = follow;
        return this;
    }

    /**
     * Compresses the body with {@code "gzip"} or {@code "deflate"} while it is sent, with
     * {@code Content-Encoding} set and chunked framing (the compressed length is not known in
     * advance). An empty body is sent as it is; a body whose {@code Content-Encoding} the caller
     * set (already encoded) is an error, so nothing is encoded twice.
     */
    public RequestBuilder compress(String encoding) {
        Objects.requireNonNull(encoding, "encoding");
        if (!encoding.equalsIgnoreCase("gzip") && !encoding.equalsIgnoreCase("deflate")) {
            throw new IllegalArgumentException("compress takes gzip or deflate, not " + encoding);
        }
        this.compression = encoding.toLowerCase(Locale.ROOT);
        return this;
    }

    /**
     * Sends {@code Expect: 100-continue} and holds the body until the server answers
     * {@code 100 Continue}, or for at most one second. A final answer that comes first (417, 401,
     * 413...) is the response, and the body is never sent: a large upload the server would refuse
     * costs nothing. Without a body it does nothing.
     */
    public RequestBuilder expectContinue() {
        this.expectContinue = true;
        return this;
    }

    /** Reports how much of the request body the network has taken (see {@link ProgressListener}). */
    public RequestBuilder onUploadProgress(ProgressListener listener) {
        this.uploadProgress = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Reports how much of the response body has arrived (see {@link ProgressListener}). */
    public RequestBuilder onDownloadProgress(ProgressListener listener) {
        this.downloadProgress = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Replaces the session's retry policy for this request. */
    public RequestBuilder retryPolicy(RetryPolicy policy) {
        this.retryPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * Authenticates with HTTP Basic (RFC 7617), user and password in UTF-8. Together with
     * credentials in the URL or an explicit {@code Authorization} header it is an error. Like
     * every credential, it is not sent after a redirect to another origin.
     */
    public RequestBuilder basicAuth(String user, String password) {
        return authorization(HttpSemantics.basicAuthorization(user, password));
    }

    /** Authenticates with a bearer token (RFC 6750), under the same rules as {@link #basicAuth}. */
    public RequestBuilder bearerAuth(String token) {
        return authorization(HttpSemantics.bearerAuthorization(token));
    }

    /**
     * Authenticates with HTTP Digest (RFC 7616; MD5 or SHA-256, qop=auth): the request is sent,
     * and a 401 Digest challenge from the same origin is answered once (twice for a stale
     * nonce). A body that cannot be sent again gets the 401 back. Not combinable with
     * {@link #basicAuth} or {@link #bearerAuth}; never used for another origin.
     */
    public RequestBuilder digestAuth(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (authorization != null || digest != null) {
            throw new IllegalArgumentException("only one of basicAuth, bearerAuth and digestAuth can be used");
        }
        this.digest = new String[] {DigestCredentials.checkUser(user), password};
        return this;
    }

    private RequestBuilder authorization(String value) {
        if (authorization != null || digest != null) {
            throw new IllegalArgumentException("only one of basicAuth, bearerAuth and digestAuth can be used");
        }
        this.authorization = value;
        return this;
    }

    /**
     * Replaces the session's application interceptors for this request; an empty list turns
     * them off. Network interceptors and the built-in steps still apply.
     */
    public RequestBuilder interceptors(List<Interceptor> interceptors) {
        this.interceptors = List.copyOf(interceptors);
        return this;
    }

    /**
     * Sends this request through a proxy, named by a URL as in
     * {@link ClientSession.Builder#proxy(String)}, whatever the session's proxy settings;
     * {@code "direct"} sends it straight to its origin. Redirect hops and retries take the same
     * way.
     *
     * @throws IllegalArgumentException if the URL is malformed (the message hides the password)
     */
    public RequestBuilder proxy(String url) {
        this.route = Routes.parse(Objects.requireNonNull(url, "url"));
        return this;
    }

    /** Sends this request straight to its origin, whatever the session's proxy settings. */
    public RequestBuilder noProxy() {
        this.route = Route.DIRECT;
        return this;
    }

    /**
     * Sends this request over the Unix domain socket at {@code path} instead of TCP, as
     * {@link ClientSession.Builder#unixSocket(Path)}: the URL and {@code Host} still say what the
     * server sees.
     */
    public RequestBuilder unixSocket(Path path) {
        this.route = Route.unix(Objects.requireNonNull(path, "path"));
        return this;
    }

    /**
     * Attaches {@code value} to the request under {@code type}, replacing any tag of that type;
     * {@code null} removes it. A tag is never sent: it is for the code that sees the request on
     * its way, which reads it with {@link Request#tag(Class)} — interceptors, an
     * {@link EventListener} (in {@link Event#request()}), and the metrics and tracing
     * integrations, which read a {@link UriTemplate} as the low-cardinality name of the URL.
     * Every retry and redirect hop of the call carries the same tags; an interceptor may add or
     * replace one with {@link Request.Builder#tag(Class, Object)} for the steps below it.
     *
     * <p>Keys are compared as classes ({@code type}, not the value's class): a tag put under an
     * interface is read under that interface. Tag values should be immutable, since the request
     * is shared with other threads.
     *
     * @throws NullPointerException if {@code type} is null
     * @throws ClassCastException if {@code value} is not an instance of {@code type}
     */
    public <T> RequestBuilder tag(Class<T> type, @Nullable T value) {
        tags = RequestExtras.put(tags, type, value);
        return this;
    }

    /**
     * Sends {@code value} as JSON with the session's codec, with
     * {@code Content-Type: application/json} unless a header says otherwise.
     */
    public RequestBuilder json(Object value) {
        requireNoBody("json", form != null || files != null || body != null);
        this.json = value;
        this.hasJson = true;
        return this;
    }

    /** Adds every entry of {@code fields} to the form (a url-encoded body, or multipart with files). */
    public RequestBuilder form(Map<String, String> fields) {
        Objects.requireNonNull(fields, "fields").forEach(this::formField);
        return this;
    }

    /** Adds one form field; a name may repeat. */
    public RequestBuilder formField(String name, String value) {
        requireNoBody("form", hasJson || body != null);
        if (form == null) {
            form = FormBody.builder();
        }
        form.add(name, value);
        return this;
    }

    /**
     * Adds each file as a multipart part named by its key, streamed from disk when sent. Each
     * file is checked now, as {@link #file(String, Path, MediaType)} says.
     */
    public RequestBuilder files(Map<String, Path> files) {
        Objects.requireNonNull(files, "files").forEach(this::file);
        return this;
    }

    /** Adds a file part; its type is guessed from the extension ({@code .pdf}: application/pdf). */
    public RequestBuilder file(String name, Path file) {
        return file(name, file, null);
    }

    /**
     * Adds a file part with an explicit type ({@code null}: guessed). The file is checked and its
     * length taken now; its bytes are read when the request is sent.
     *
     * @throws InvalidRequestException naming the method, the URL and the file's absolute path if
     *     the file is missing, is not a regular file (a directory...) or cannot be read
     */
    public RequestBuilder file(String name, Path file, @Nullable MediaType contentType) {
        requireNoBody("files", hasJson || body != null);
        if (files == null) {
            files = Multipart.builder();
        }
        files.file(name, file, contentType, this::describe);
        return this;
    }

    /** Sends {@code multipart} as the body; form fields given here are not allowed with it. */
    public RequestBuilder multipart(Multipart multipart) {
        return body(multipart);
    }

    /** Sets the body. */
    public RequestBuilder body(Body body) {
        requireNoBody("body", hasJson || form != null || files != null || this.body != null);
        this.body = Objects.requireNonNull(body, "body");
        return this;
    }

    /**
     * Sets the body to {@code bytes} (not copied: leave the array alone until sent) with the given
     * type ({@code null}: none).
     */
    public RequestBuilder body(byte[] bytes, @Nullable String contentType) {
        return body(Body.of(bytes, contentType == null ? null : MediaType.parse(contentType)));
    }

    /**
     * Sets the body to {@code text}, encoded in the type's charset (UTF-8 if none), with the given
     * type ({@code null}: {@code text/plain; charset=utf-8}).
     */
    public RequestBuilder body(String text, @Nullable String contentType) {
        return body(Body.of(text, contentType == null ? MediaType.TEXT_PLAIN_UTF8 : MediaType.parse(contentType)));
    }

    /**
     * Sets the body to the contents of {@code file}, streamed when sent, with the given type
     * ({@code null}: guessed from the extension); the file is checked now, as
     * {@link #file(String, Path, MediaType)} says.
     */
    public RequestBuilder body(Path file, @Nullable String contentType) {
        return body(FileBody.of(file, contentType == null ? null : MediaType.parse(contentType), this::describe));
    }

    /**
     * Sets a one-shot body read from {@code stream} (sent chunked, closed afterwards) with the given
     * type ({@code null}: none).
     */
    public RequestBuilder body(InputStream stream, @Nullable String contentType) {
        return body(Body.of(stream, contentType == null ? null : MediaType.parse(contentType)));
    }

    /**
     * Sets a one-shot body taken from {@code publisher}, of unknown length (sent chunked on
     * HTTP/1.1) with the given type ({@code null}: none); see {@link Body#fromPublisher} for
     * back-pressure, errors and a known length.
     */
    public RequestBuilder body(Flow.Publisher<? extends ByteBuffer> publisher, @Nullable String contentType) {
        return body(Body.fromPublisher(publisher, -1, contentType == null ? null : MediaType.parse(contentType)));
    }

    /** Returns the method and URL for a message, never the URL's user info. */
    private String describe() {
        try {
            return method + " " + session.urls().get(url);
        } catch (InvalidRequestException malformed) {
            return method + " (malformed URL)";
        }
    }

    private Headers.Builder ownHeaders() {
        if (headers == null) {
            headers = Headers.builder();
        }
        return headers;
    }

    private static void requireNoBody(String what, boolean conflict) {
        if (conflict) {
            throw new IllegalArgumentException("cannot combine " + what + "(...) with another kind "
                    + "of body: json, body and form/files exclude each other");
        }
    }

    /**
     * Returns the request as an immutable value, with the session's base URL, default headers,
     * timeouts and raise-for-status setting applied.
     *
     * @throws InvalidRequestException if the URL is malformed or not http(s)
     */
    public Request build() {
        SessionConfig config = session.config();
        RequestUrl resolved = session.urls().get(url).withQueryParameters(query);
        Headers withAuthorization = ownWithAuthorization(resolved);
        DigestCredentials digestCredentials =
                digest == null ? null : new DigestCredentials(digest[0], digest[1], resolved);
        SessionAuth sessionAuth = config.auth();
        if (sessionAuth != null
                && digestCredentials == null
                && resolved.userInfo() == null
                && !withAuthorization.contains("Authorization")
                && sessionAuth.appliesTo(resolved)) {
            if (sessionAuth.authorization() != null) {
                withAuthorization = withAuthorization.toBuilder()
                        .set("Authorization", sessionAuth.authorization())
                        .build();
            } else {
                digestCredentials =
                        new DigestCredentials(sessionAuth.digestUser(), sessionAuth.digestPassword(), resolved);
            }
        }
        Headers own = withAuthorization;
        Headers merged = own;
        Headers defaults = config.defaultHeaders();
        if (!defaults.isEmpty()) {
            Headers.Builder all = Headers.builder();
            defaults.forEach((name, value) -> {
                if (!own.contains(name)) {
                    all.add(name, value);
                }
            });
            own.forEach(all::add);
            merged = all.build();
        }
        Body body = buildBody();
        if (expectContinue && body != null && body.contentLength() != 0) {
            merged = merged.toBuilder().set("Expect", "100-continue").build();
        }
        if (compression != null && body != null && body.contentLength() != 0) {
            if (merged.contains("Content-Encoding")) {
                throw new IllegalArgumentException("compress(" + compression + ") conflicts with the "
                        + "Content-Encoding header: the body would be encoded twice");
            }
            merged = merged.toBuilder().set("Content-Encoding", compression).build();
            body = new io.posthaste.internal.body.CompressedBody(body, compression);
        }
        merged = merged.masking(session.maskedHeaders());
        return new Request(
                method,
                resolved,
                merged,
                body,
                timeouts != null ? timeouts : config.timeouts(),
                raiseForStatus != null ? raiseForStatus : config.raiseForStatus(),
                skippedAutoHeaders.isEmpty() ? Set.of() : Set.copyOf(skippedAutoHeaders),
                followRedirects != null ? followRedirects : config.followRedirects() && !method.equals("HEAD"),
                retryPolicy != null ? retryPolicy : config.retryPolicy(),
                RequestExtras.of(
                        interceptors,
                        digestCredentials,
                        uploadProgress == null && downloadProgress == null
                                ? null
                                : new ProgressListeners(uploadProgress, downloadProgress),
                        tags == null ? Map.of() : tags,
                        route));
    }

    private Headers ownWithAuthorization(RequestUrl resolved) {
        Headers own = headers == null ? Headers.empty() : headers.build();
        if (digest != null && (resolved.userInfo() != null || own.contains("Authorization"))) {
            throw new InvalidRequestException(method + " " + resolved
                    + ": digestAuth conflicts with other credentials (URL user info or an Authorization header)");
        }
        if (authorization == null) {
            return own;
        }
        if (resolved.userInfo() != null) {
            throw new InvalidRequestException(
                    method + " " + resolved + ": credentials in the URL and basicAuth/bearerAuth conflict; use one");
        }
        if (own.contains("Authorization")) {
            throw new InvalidRequestException(
                    method + " " + resolved + ": an Authorization header and basicAuth/bearerAuth conflict; use one");
        }
        return own.toBuilder().set("Authorization", authorization).build();
    }

    private @Nullable Body buildBody() {
        if (hasJson) {
            return new JsonBody(json, session.config().jsonCodec());
        }
        if (files != null) {
            Multipart.Builder multipart = Multipart.builder();
            if (form != null) {
                form.fields().forEach(field -> multipart.field(field.getKey(), field.getValue()));
            }
            Multipart built = files.build();
            built.parts().forEach(multipart::part);
            return multipart.build();
        }
        if (form != null) {
            return form.build();
        }
        return body;
    }

    /**
     * Sends the request and waits for the whole response. On a virtual thread this blocks only
     * the virtual thread. On a platform thread the exchange's I/O runs on the calling thread
     * itself unless the session turned that off (see
     * {@link ClientSession.Builder#callerDrivenIo(boolean)}), so nothing is handed to an I/O
     * thread and back.
     *
     * @return the response, with its body read
     * @throws ClientResponseException for a 4xx/5xx answer while raise-for-status is on
     * @throws ClientException for every other failure; see its subtypes
     * @throws CancellationException if the thread is interrupted (the exchange is then aborted
     *     and the interrupt flag kept)
     */
    public Response send() {
        Request request = session.checkOpen(build());
        return await(session.threads().executeBlocking(request));
    }

    /**
     * Sends the request without blocking. The future completes on the session's callback
     * executor (the common fork-join pool unless configured), never on an I/O thread, so
     * dependent stages may block. Cancelling it aborts the exchange and releases its connection,
     * buffers and file handles.
     */
    public CompletableFuture<Response> sendAsync() {
        Request request;
        try {
            request = session.checkOpen(build());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return session.threads().dispatch(session.call().execute(request));
    }

    /**
     * Sends the request and returns once the response head has arrived; the body is read from
     * the returned response, which must be closed. A 4xx/5xx answer with raise-for-status on
     * raises as {@link #send()} does (its body is then read into the exception).
     */
    public StreamingResponse stream() {
        return stream(build());
    }

    /**
     * Sends the request without blocking; the future completes once the response head has
     * arrived, with a response whose body is still to be read, typically without blocking either,
     * through its {@link StreamingResponse#publisher() publisher}. The future completes as
     * {@link #sendAsync()}'s does, on the callback executor, and fails as {@link #stream()} raises
     * (a 4xx/5xx with raise-for-status on, its body read into the exception). Cancelling it
     * aborts the exchange, and a response that arrives anyway is closed.
     *
     * {@snippet :
     * session.get("https://example.com/big.iso").streamAsync()
     *         .thenAccept(response -> response.publisher().subscribe(subscriber));
     * }
     */
    public CompletableFuture<StreamingResponse> streamAsync() {
        Request request;
        try {
            request = session.checkOpen(build());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<StreamingResponse> internal = session.call().stream(request);
        CompletableFuture<StreamingResponse> result = session.threads().dispatch(internal);
        // A response that won the race with a cancel would hold its connection until collected.
        result.whenComplete((response, failure) -> {
            if (result.isCancelled()) {
                internal.thenAccept(StreamingResponse::close);
            }
        });
        return result;
    }

    /** Streams {@code request}, built from this builder (a {@link Download}'s range request). */
    StreamingResponse stream(Request request) {
        session.checkOpen(request);
        return await(session.threads().forBlockingCaller(session.call().stream(request)));
    }

    /**
     * Returns a download of this request's answer to {@code target} that can continue a partial
     * file and resume across dropped connections; nothing is sent before {@link Download#run()}.
     * Raise-for-status is turned on: an error page is never saved as the file.
     */
    public Download download(Path target) {
        return new Download(this, target);
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw interrupted(e);
        } catch (CancellationException e) {
            // A caller that drove its own loop was interrupted: the future was cancelled for it.
            throw Thread.currentThread().isInterrupted() ? interrupted(e) : e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    private static CancellationException interrupted(Exception cause) {
        CancellationException cancelled = new CancellationException("interrupted while waiting " + "for the response");
        cancelled.initCause(cause);
        return cancelled;
    }
}
