package io.posthaste.internal;

import io.posthaste.ClientException;
import io.posthaste.Headers;
import io.posthaste.JsonCodec;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.StreamingResponse;
import io.posthaste.Timings;
import io.posthaste.internal.url.RequestUrl;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Lets the internal packages reach the parts of the public types that are not public API, without
 * making them public. The public package installs the one implementation when
 * {@code ClientSession} is loaded, before any internal code can run.
 */
public abstract class Bridge {

    private static volatile Bridge instance;

    /** Installs the implementation; called once by the public package. */
    public static void install(Bridge bridge) {
        instance = bridge;
    }

    /** Returns the implementation. */
    public static Bridge get() {
        return instance;
    }

    /** Wraps header fields a decoder has already validated, without copying them. */
    public abstract Headers trustedHeaders(String[] namesAndValues);

    /** Returns the parsed URL of {@code request}. */
    public abstract RequestUrl url(Request request);

    /** Returns a copy of {@code request} sent to another URL with another method and body. */
    public abstract Request redirect(
            Request request, RequestUrl url, String method, Headers headers, io.posthaste.Body body);

    /**
     * Creates a buffered response whose timings {@code timings} makes and whose trailers come from
     * {@code trailers} (null: none came).
     */
    public abstract Response response(
            Request request,
            int status,
            String reason,
            Headers headers,
            String version,
            byte[] body,
            List<Response> history,
            JsonCodec codec,
            boolean checkJsonContentType,
            Supplier<Timings> timings,
            Supplier<Headers> trailers);

    /** Returns where {@code response}'s trailers come from, or null if it has none. */
    public abstract Supplier<Headers> trailers(Response response);

    /**
     * Creates a response whose body is still streaming in, whose timings {@code timings} makes and
     * whose trailers {@code trailers} gives once the body is read to its end.
     */
    public abstract Response streamedResponse(
            Request request,
            int status,
            String reason,
            Headers headers,
            String version,
            InputStream body,
            Runnable onClose,
            JsonCodec codec,
            boolean checkJsonContentType,
            Supplier<Timings> timings,
            Supplier<Headers> trailers);

    /** Returns what makes the timings of {@code response}, or null if no server sent it. */
    public abstract Supplier<Timings> timingsSource(Response response);

    /** Returns what makes the timings of {@code failure}, or null if it never reached the network. */
    public abstract Supplier<Timings> timingsSource(ClientException failure);

    /** Records that {@code timings} makes the timings of {@code failure}, unless something already does. */
    public abstract void timedBy(ClientException failure, Supplier<Timings> timings);

    /** Creates timings of these phases (nanoseconds) and counts. */
    public abstract Timings timings(
            long poolWait,
            long dns,
            long connect,
            long tls,
            long requestWrite,
            long timeToFirstByte,
            long bodyRead,
            long total,
            boolean connectionReused,
            int attempts,
            int redirects);

    /** Returns {@code response} with its redirect history. */
    public abstract Response withHistory(Response response, List<Response> history);

    /**
     * Returns {@code response} as the last of a call's {@code attempts}; a
     * {@link io.posthaste.ClientResponseException} made from it carries {@code earlier}.
     */
    public abstract Response afterAttempts(Response response, int attempts, List<Throwable> earlier);

    /** Records on {@code failure} that it ended a call after {@code attempts} attempts. */
    public abstract void retried(io.posthaste.ClientException failure, int attempts, List<Throwable> earlier);

    /** Returns the streamed body of {@code response}, or {@code null} if it is buffered. */
    public abstract InputStream stream(Response response);

    /** Returns what releases the connection of a streamed {@code response}. */
    public abstract Runnable streamCloser(Response response);

    /** Returns what {@code request} carries for the steps (interceptors, Digest, progress). */
    public abstract io.posthaste.internal.session.RequestExtras extras(Request request);

    /** Returns {@code request} carrying {@code extras} instead of its own. */
    public abstract Request withExtras(Request request, io.posthaste.internal.session.RequestExtras extras);

    /**
     * Creates a streaming response whose closing calls {@code onClose}, and whose publisher
     * signals on {@code signals}; trailers may be null.
     */
    public abstract StreamingResponse streamingResponse(
            Request request,
            int status,
            String reason,
            Headers headers,
            String version,
            InputStream body,
            Runnable onClose,
            Supplier<Timings> timings,
            Supplier<Headers> trailers,
            Executor signals);

    /** Creates a received binary WebSocket message that owns {@code bytes} (no copy). */
    public abstract io.posthaste.WebSocket.Message binaryMessage(byte[] bytes);
}
