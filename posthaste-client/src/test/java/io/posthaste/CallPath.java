package io.posthaste;

import io.posthaste.internal.session.ReadPacing;
import io.posthaste.testing.TestServer;
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
 * flight at once and queue for the same connection. A test gets its server from {@link #server()}
 * and its session from {@link #session(TestServer)}, which speak the path's protocol.
 *
 * <p>Three paths speak HTTP/2 ({@link #H2C}, {@link #H2C_PACED} and {@link #H2_TLS}), where a connection carries many
 * streams and the server's faults act on a stream or on the whole connection (see
 * {@link io.posthaste.testing.Fault}). Some faults are HTTP/1.1's alone, and tests of them leave
 * these paths out:
 * <ul>
 * <li>bytes after a complete response (a stray or smuggled answer): HTTP/2 frames every byte
 *     with its stream, so there is no "after the response" on a connection; a frame for a
 *     finished stream is a stream error Netty's codec raises, not a desynchronised connection
 *     (HTTP/2's own forms, frames after END_STREAM and an answer on a stream not opened yet, are
 *     run in {@code Http2HostileServerTest});
 * <li>raw HTTP/1.1 bytes trickled or stalled mid-head: HTTP/2 has no text head to cut; the same
 *     trickle and stall are run on HTTP/2 as throttled DATA frames instead.
 * </ul>
 */
enum CallPath {
    /** {@code send()} on a platform thread, which drives an event loop of its own. */
    CALLER_DRIVEN,
    /**
     * {@code send()} on a platform thread driving an event loop of its own on the NIO transport,
     * as on Windows or without the native libraries.
     */
    CALLER_DRIVEN_NIO,
    /** {@code send()} on a platform thread with caller-driven I/O off: the shared loops and pool. */
    BLOCKING_ON_SHARED_LOOPS,
    /** {@code send()} on a virtual thread (Java 21+; skipped on older JDKs). */
    VIRTUAL_THREAD,
    /** {@code sendAsync()}: the shared loops, completed on the callback executor. */
    ASYNC,
    /** {@code stream()}, read to the end and closed. */
    STREAM,
    /**
     * {@code send()} on a platform thread over HTTP/2 by prior knowledge (cleartext h2c). HTTP/2
     * never runs on a caller's own loop, so this is the shared loops and one multiplexed
     * connection.
     */
    H2C,
    /**
     * {@link #H2C} on the paced path: the connection holds its next read after every read that
     * leaves a stream waiting ({@code ReadPacing.EVERY_READ}), as a busy connection does after
     * the small reads of a trickle of answers while 32 streams or more wait.
     */
    H2C_PACED,
    /** {@code stream()} over HTTP/2 on TLS, as ALPN agrees with the server, read to the end and closed. */
    H2_TLS;

    /** What a call answered: enough to tell one response from another. */
    record Answer(int status, String text) {}

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

    /** Returns whether this path speaks HTTP/2. */
    boolean isHttp2() {
        return this == H2C || this == H2C_PACED || this == H2_TLS;
    }

    /** Returns a builder for a server that speaks this path's protocol (HTTP/2, TLS), to configure further. */
    TestServer.Builder server() {
        return switch (this) {
            case H2C, H2C_PACED -> TestServer.builder().http2();
            case H2_TLS -> TestServer.builder().tls().http2();
            default -> TestServer.builder();
        };
    }

    /** Returns a builder for a session that takes this path to {@code server} (made by {@link #server()}). */
    ClientSession.Builder session(TestServer server) {
        ClientSession.Builder builder = ClientSession.builder()
                .callerDrivenIo(this != BLOCKING_ON_SHARED_LOOPS)
                .nativeTransport(this != CALLER_DRIVEN_NIO);
        return switch (this) {
            case H2C -> builder.protocols(Protocol.H2_PRIOR_KNOWLEDGE);
            case H2C_PACED -> builder.protocols(Protocol.H2_PRIOR_KNOWLEDGE).http2ReadPacing(ReadPacing.EVERY_READ);
            case H2_TLS -> builder.trustManager(server.trustManager());
            default -> builder;
        };
    }

    /** Starts {@code request} on this path; the future fails with the call's exception, unwrapped. */
    CompletableFuture<Answer> start(RequestBuilder request) {
        if (this == ASYNC) {
            return request.sendAsync()
                    .thenApply(r -> new Answer(r.status(), r.text()))
                    .handle(CallPath::unwrapped)
                    .thenCompose(f -> f);
        }
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        boolean onFirst = this != VIRTUAL_THREAD && FIRST_BUSY.compareAndSet(false, true);
        Runnable call = () -> {
            Answer value = null;
            Throwable failure = null;
            try {
                value = this == STREAM || this == H2_TLS ? streamed(request) : sent(request);
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
            return (ThreadFactory) Class.forName("java.lang.Thread$Builder")
                    .getMethod("factory")
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
        try (StreamingResponse response = request.stream();
                InputStream body = response.body()) {
            return new Answer(response.status(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            if (e.getCause() instanceof ClientException failure) {
                throw failure; // How a streamed body reports the call's failure: unwrapped, as the others.
            }
            throw new UncheckedIOException(e);
        }
    }

    private static CompletableFuture<Answer> unwrapped(Answer answer, Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause == null ? CompletableFuture.completedFuture(answer) : CompletableFuture.failedFuture(cause);
    }
}
