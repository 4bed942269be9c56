package io.posthaste;

import io.posthaste.internal.Bridge;
import io.posthaste.internal.url.RequestUrl;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** The one implementation of {@link Bridge}, installed by {@link ClientSession}. */
final class PosthasteBridge extends Bridge {

    @Override
    public Headers trustedHeaders(String[] namesAndValues) {
        return Headers.trusted(namesAndValues);
    }

    @Override
    public RequestUrl url(Request request) {
        return request.requestUrl();
    }

    @Override
    public Request redirect(Request request, RequestUrl url, String method, Headers headers, Body body) {
        return request.with(url, method, headers, body);
    }

    @Override
    public Response response(
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
            @Nullable Supplier<Headers> trailers) {
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
                null,
                null,
                timings,
                trailers);
    }

    @Override
    public Response streamedResponse(
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
            Supplier<Headers> trailers) {
        return new Response(
                request,
                status,
                reason,
                headers,
                version,
                null,
                List.of(),
                codec,
                checkJsonContentType,
                body,
                onClose,
                timings,
                trailers);
    }

    @Override
    public @Nullable Supplier<Timings> timingsSource(Response response) {
        return response.timingsSource();
    }

    @Override
    public @Nullable Supplier<Timings> timingsSource(ClientException failure) {
        return failure.timingsSource();
    }

    @Override
    public void timedBy(ClientException failure, Supplier<Timings> timings) {
        failure.timedBy(timings);
    }

    @Override
    public Timings timings(
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
            int redirects) {
        return new Timings(
                poolWait,
                dns,
                connect,
                tls,
                requestWrite,
                timeToFirstByte,
                bodyRead,
                total,
                connectionReused,
                attempts,
                redirects);
    }

    @Override
    public @Nullable Supplier<Headers> trailers(Response response) {
        return response.trailerSource();
    }

    @Override
    public Response withHistory(Response response, List<Response> history) {
        return response.withHistory(history);
    }

    @Override
    public Response afterAttempts(Response response, int attempts, List<Throwable> earlier) {
        return response.afterAttempts(attempts, earlier);
    }

    @Override
    public void retried(ClientException failure, int attempts, List<Throwable> earlier) {
        failure.retried(attempts, earlier);
    }

    @Override
    public @Nullable InputStream stream(Response response) {
        return response.stream();
    }

    @Override
    public @Nullable Runnable streamCloser(Response response) {
        return response.closeStream();
    }

    @Override
    public io.posthaste.internal.session.RequestExtras extras(Request request) {
        return request.extras();
    }

    @Override
    public Request withExtras(Request request, io.posthaste.internal.session.RequestExtras extras) {
        return request.withExtras(extras);
    }

    @Override
    public StreamingResponse streamingResponse(
            Request request,
            int status,
            String reason,
            Headers headers,
            String version,
            InputStream body,
            Runnable onClose,
            Supplier<Timings> timings,
            @Nullable Supplier<Headers> trailers,
            Executor signals) {
        return new StreamingResponse(
                request, status, reason, headers, version, body, onClose, timings, trailers, signals);
    }

    @Override
    public WebSocket.Message binaryMessage(byte[] bytes) {
        return WebSocket.Message.owning(bytes);
    }
}
