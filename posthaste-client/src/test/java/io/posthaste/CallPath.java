package io.posthaste;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * The ways a call reaches the network, each with its own hand-offs: a fault test that runs on
 * one of them proves nothing about the others. A test parameterised by this enum runs once per
 * path; each starts the call on a thread other than the test's, so that several calls can be in
 * flight at once and queue for the same connection.
 */
enum CallPath {
    /** {@code send()} on a platform thread, which drives an event loop of its own. */
    CALLER_DRIVEN,
    /** {@code send()} on a platform thread with caller-driven I/O off: the shared loops and pool. */
    BLOCKING_ON_SHARED_LOOPS,
    /** {@code send()} on a virtual thread (Java 21+; skipped on older JDKs). */
    VIRTUAL_THREAD,
    /** {@code sendAsync()}: the shared loops, completed on the callback executor. */
    ASYNC,
    /** {@code stream()}, read to the end and closed. */
    STREAM;

    /** What a call answered: enough to tell one response from another. */
    record Answer(int status, String text) {
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    /**
     * Platform threads for blocking calls, kept between calls as an application's are: a call
     * goes to the first thread when it is free (so sequential calls share a caller-driven
     * thread's kept connection) and to the second when a call is already in flight there.
     */
    private static final ExecutorService FIRST = platformThread();
    private static final ExecutorService SECOND = platformThread();
    private static final AtomicBoolean FIRST_BUSY = new AtomicBoolean();

    private static ExecutorService platformThread() {
        return Executors.newSingleThreadExecutor(call -> {
            Thread platform = new Thread(call, "call-path-" + THREADS.incrementAndGet());
            platform.setDaemon(true);
            return platform;
        });
    }

    /** Returns a builder for a session that takes this path. */
    ClientSession.Builder session() {
        return ClientSession.builder().callerDrivenIo(this != BLOCKING_ON_SHARED_LOOPS);
    }

    /** Starts {@code request} on this path; the future fails with the call's exception, unwrapped. */
    CompletableFuture<Answer> start(RequestBuilder request) {
        if (this == ASYNC) {
            return request.sendAsync().thenApply(r -> new Answer(r.status(), r.text()))
                    .handle(CallPath::unwrapped).thenCompose(f -> f);
        }
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        boolean onFirst = this != VIRTUAL_THREAD && FIRST_BUSY.compareAndSet(false, true);
        Runnable call = () -> {
            Answer value = null;
            Throwable failure = null;
            try {
                value = this == STREAM ? streamed(request) : sent(request);
            } catch (Throwable t) {
                failure = t;
            }
            if (onFirst) {
                FIRST_BUSY.set(false); // before the caller learns the call is over
            }
            if (failure == null) {
                answer.complete(value);
            } else {
                answer.completeExceptionally(failure);
            }
        };
        if (this == VIRTUAL_THREAD) {
            virtualThreads().newThread(call).start();
        } else {
            (onFirst ? FIRST : SECOND).execute(call);
        }
        return answer;
    }

    /** Runs {@code request} on this path and waits (10 s at most) for its answer or exception. */
    Answer call(RequestBuilder request) {
        return await(start(request));
    }

    /** Waits (10 s at most: a hang fails the test) for a call started by {@link #start}. */
    static Answer await(CompletableFuture<Answer> call) {
        try {
            return call.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the call did not complete within 10 s: it hangs", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static ThreadFactory virtualThreads() {
        try {
            return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory")
                    .invoke(Thread.class.getMethod("ofVirtual").invoke(null));
        } catch (ReflectiveOperationException e) {
            Assumptions.abort("virtual threads need Java 21 or newer");
            throw new AssertionError(e);
        }
    }

    /** Aborts the test on a JDK that lacks this path (virtual threads before Java 21). */
    void assumeAvailable() {
        if (this == VIRTUAL_THREAD) {
            virtualThreads();
        }
    }

    private static Answer sent(RequestBuilder request) {
        Response response = request.send();
        return new Answer(response.status(), response.text());
    }

    private static Answer streamed(RequestBuilder request) {
        try (StreamingResponse response = request.stream(); InputStream body = response.body()) {
            return new Answer(response.status(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CompletableFuture<Answer> unwrapped(Answer answer, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause == null ? CompletableFuture.completedFuture(answer) : CompletableFuture.failedFuture(cause);
    }
}
