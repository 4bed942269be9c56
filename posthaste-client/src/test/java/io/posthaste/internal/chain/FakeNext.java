package io.posthaste.internal.chain;

import io.posthaste.ClientSession;
import io.posthaste.Headers;
import io.posthaste.Interceptor;
import io.posthaste.JsonCodec;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.internal.Bridge;
import io.posthaste.internal.exchange.Deadline;
import io.posthaste.internal.session.SessionConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A fake of everything below the step under test: it records each request it is handed and
 * answers with the next scripted reply (a response made from the request, or a failure). With
 * {@link #run}, a step is tested alone: no session machinery, no network.
 */
final class FakeNext implements Interceptor {

    /** A session used only to build requests: it opens no connection. */
    static final ClientSession SESSION = ClientSession.create();

    final List<Request> seen = new ArrayList<>();
    private Runnable beforeEach = () -> {};
    private final Deque<Function<Request, CompletableFuture<Response>>> replies = new ArrayDeque<>();

    /** Queues an answer of {@code status} with {@code headers} (name, value, ...) and {@code body}. */
    FakeNext answer(int status, String body, String... headers) {
        replies.add(request -> CompletableFuture.completedFuture(response(request, status, body, headers)));
        return this;
    }

    /** Runs {@code action} each time the step proceeds, before the reply (e.g. to move fake time). */
    FakeNext beforeEach(Runnable action) {
        this.beforeEach = action;
        return this;
    }

    /** Queues a failure. */
    FakeNext fail(Throwable failure) {
        replies.add(request -> CompletableFuture.failedFuture(failure));
        return this;
    }

    @Override
    public CompletableFuture<Response> intercept(Request request, Chain chain) {
        seen.add(request);
        beforeEach.run();
        Function<Request, CompletableFuture<Response>> reply = replies.poll();
        if (reply == null) {
            throw new AssertionError("the step proceeded more often than scripted: " + request);
        }
        return reply.apply(request);
    }

    /** Returns {@code session}'s settings, as the steps see them. */
    static SessionConfig config(ClientSession session) {
        try {
            java.lang.reflect.Field field = ClientSession.class.getDeclaredField("config");
            field.setAccessible(true);
            return (SessionConfig) field.get(session);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code step} with this fake below it, in a call of its own (no deadline). */
    CompletableFuture<Response> run(Interceptor step, Request request) {
        return run(step, request, new Call.CallState(false, Deadline.NONE));
    }

    /** Runs {@code step} with this fake below it, sharing {@code state}. */
    CompletableFuture<Response> run(Interceptor step, Request request, Call.CallState state) {
        return new InterceptorChain(List.of(step, this), 0, state).proceed(request);
    }

    static Response response(Request request, int status, String body, String... headers) {
        Headers.Builder fields = Headers.builder();
        for (int i = 0; i < headers.length; i += 2) {
            fields.add(headers[i], headers[i + 1]);
        }
        return Bridge.get()
                .response(
                        request,
                        status,
                        "",
                        fields.build(),
                        "HTTP/1.1",
                        body.getBytes(StandardCharsets.UTF_8),
                        List.of(),
                        JsonCodec.jackson(),
                        false,
                        null,
                        null);
    }
}
