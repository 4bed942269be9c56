package io.posthaste.internal.chain;

import io.posthaste.ClientResponseException;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.StreamingResponse;
import io.posthaste.internal.Bridge;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs a request through the session's steps: the exchange, then raise-for-status. Each future
 * it returns completes on the event loop that finished the exchange (no user code runs there:
 * the public API re-dispatches async results) and cancelling it aborts the exchange.
 */
public final class Call {

    private final SessionConfig config;
    private final Exchanger exchanger;

    public Call(SessionConfig config, Exchanger exchanger) {
        this.config = config;
        this.exchanger = exchanger;
    }

    /** Sends {@code request} and buffers the response. */
    public CompletableFuture<Response> execute(Request request) {
        CompletableFuture<RawResponse> raw = exchanger.exchange(request, false, request.raiseForStatus());
        Linked<Response> result = new Linked<>(raw);
        raw.whenComplete((response, failure) -> {
            if (failure != null) {
                result.completeExceptionally(unwrap(failure));
                return;
            }
            try {
                result.complete(checked(toResponse(response)));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Sends {@code request} and hands back the response as soon as its head has arrived. */
    public CompletableFuture<StreamingResponse> stream(Request request) {
        CompletableFuture<RawResponse> raw = exchanger.exchange(request, true, request.raiseForStatus());
        Linked<StreamingResponse> result = new Linked<>(raw);
        raw.whenComplete((response, failure) -> {
            if (failure != null) {
                result.completeExceptionally(unwrap(failure));
                return;
            }
            try {
                if (response.stream() == null) {
                    checked(toResponse(response));
                }
                StreamingResponse streaming = Bridge.get().streamingResponse(response.request(),
                        response.status(), response.reason(), response.headers(), response.version(),
                        response.stream(), response.closeStream());
                if (!result.complete(streaming)) {
                    streaming.close();
                }
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private Response toResponse(RawResponse raw) {
        return Bridge.get().response(raw.request(), raw.status(), raw.reason(), raw.headers(),
                raw.version(), raw.body(), List.of(), config.jsonCodec(), config.checkJsonContentType());
    }

    private static Response checked(Response response) {
        if (response.request().raiseForStatus() && response.status() >= 400) {
            throw new ClientResponseException(response);
        }
        return response;
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
    }

    /** A result whose cancellation cancels the exchange it came from. */
    private static final class Linked<T> extends CompletableFuture<T> {
        private final CompletableFuture<?> source;

        Linked(CompletableFuture<?> source) {
            this.source = source;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            source.cancel(mayInterruptIfRunning);
            return cancelled;
        }
    }
}
