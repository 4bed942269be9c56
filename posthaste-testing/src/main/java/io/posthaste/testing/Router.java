package io.posthaste.testing;

import io.posthaste.testing.internal.EchoRoutes;
import io.posthaste.testing.internal.ReceivedRequest;
import io.posthaste.testing.internal.RequestHandler;
import io.posthaste.testing.internal.RequestHead;
import io.posthaste.testing.internal.ResponseSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Routes requests: mounted endpoints first, then the scripted queue, then the echo routes, unless
 * a custom dispatcher replaces the last two. Thread-safe; the connection side calls it on event loops.
 */
final class Router implements RequestHandler {

    final ConcurrentLinkedDeque<MockResponse> queue = new ConcurrentLinkedDeque<>();
    final BlockingQueue<RecordedRequest> recorded = new LinkedBlockingQueue<>();
    final AtomicInteger requestCount = new AtomicInteger();
    final Map<String, Endpoint> mounts = new ConcurrentHashMap<>();
    final Queue<ReceivedReset> resets = new ConcurrentLinkedQueue<>();
    volatile Dispatcher dispatcher;
    private final Supplier<ExecutorService> dispatchExecutor;

    Router(Dispatcher dispatcher, Supplier<ExecutorService> dispatchExecutor) {
        this.dispatcher = dispatcher;
        this.dispatchExecutor = dispatchExecutor;
    }

    @Override
    public boolean disconnectOnAccept() {
        MockResponse next = early();
        if (next == null || next.fault() != Fault.DISCONNECT_AT_START) {
            return false;
        }
        return dispatcher != null || queue.remove(next);
    }

    @Override
    public HeadAction onHead(RequestHead head, boolean reused) {
        Endpoint mounted = mounts.get(head.path());
        if (mounted instanceof WebSocketEndpoint ws
                && head.version().startsWith("HTTP/1")
                && "websocket".equalsIgnoreCase(head.header("Upgrade"))) {
            return HeadAction.upgrade(ws.upgrade(head.path()));
        }
        MockResponse next = mounted != null ? null : early();
        if (next != null && next.spec().actsBeforeBody() && (dispatcher != null || queue.remove(next))) {
            return HeadAction.early(next.spec());
        }
        Dispatcher d = dispatcher;
        boolean echo = d == null ? queue.isEmpty() : d == EchoRoutes.INSTANCE;
        return echo && head.path().equals("/sink") ? HeadAction.SINK : HeadAction.READ_BODY;
    }

    /** Returns the answer whose early faults apply next: the queue's head, or the dispatcher's peek. */
    private MockResponse early() {
        Dispatcher d = dispatcher;
        if (d == null) {
            return queue.peek();
        }
        try {
            return d.peek();
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void record(ReceivedRequest request) {
        requestCount.incrementAndGet();
        recorded.add(new RecordedRequest(request));
    }

    @Override
    public void recordReset(int connectionId, int streamId, long errorCode) {
        resets.add(new ReceivedReset(connectionId, streamId, errorCode));
    }

    @Override
    public void respond(ReceivedRequest request, Consumer<ResponseSpec> reply) {
        if (request.sink() != null) {
            reply.accept(EchoRoutes.sink(request.sink()).spec());
            return;
        }
        RecordedRequest recordedRequest = new RecordedRequest(request);
        Endpoint mounted = mounts.get(recordedRequest.path());
        Dispatcher d = dispatcher;
        if (mounted instanceof EventStreamEndpoint events) {
            reply.accept(events.answer(recordedRequest).spec());
        } else if (mounted instanceof WebSocketEndpoint) {
            // Not an upgrade (or over HTTP/2, which has no Upgrade): say what was expected.
            reply.accept(MockResponse.builder()
                    .status(400)
                    .header("Content-Type", "text/plain; charset=utf-8")
                    .body("this path serves a WebSocket: send an HTTP/1.1 GET with Upgrade: websocket\n")
                    .build()
                    .spec());
        } else if (d == null) {
            MockResponse scripted = queue.poll();
            reply.accept(scripted != null ? scripted.spec() : safely(EchoRoutes.INSTANCE, recordedRequest));
        } else if (d == EchoRoutes.INSTANCE) {
            reply.accept(safely(d, recordedRequest));
        } else {
            // User code may block; keep it off the event loop.
            dispatchExecutor.get().execute(() -> reply.accept(safely(d, recordedRequest)));
        }
    }

    private static ResponseSpec safely(Dispatcher d, RecordedRequest request) {
        try {
            MockResponse response = d.dispatch(request);
            if (response == null) {
                return failure("dispatcher returned null for " + request.method() + " " + request.target(), null);
            }
            return response.spec();
        } catch (RuntimeException | Error e) {
            return failure("dispatcher threw while answering " + request.method() + " " + request.target(), e);
        }
    }

    private static ResponseSpec failure(String message, Throwable cause) {
        StringWriter text = new StringWriter().append(message).append('\n');
        if (cause != null) {
            cause.printStackTrace(new PrintWriter(text));
        }
        return MockResponse.builder()
                .status(500)
                .header("Content-Type", "text/plain; charset=utf-8")
                .body(text.toString())
                .closeConnection()
                .build()
                .spec();
    }
}
