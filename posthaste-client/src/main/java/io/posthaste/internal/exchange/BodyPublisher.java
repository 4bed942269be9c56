package io.posthaste.internal.exchange;

import io.posthaste.ClientException;
import io.posthaste.ClientPayloadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A response body as a {@link Flow.Publisher} of {@link ByteBuffer}s, for one subscriber.
 *
 * <p>Back-pressure is the blocking reader's, not a second mechanism: a streamed body's pieces wait
 * in its {@link ResponseBodyStream}, which stops the connection reading (HTTP/1.1: no more reads
 * from the socket; HTTP/2: no WINDOW_UPDATE) once about 1 MiB waits unrequested, and reads again
 * when the subscriber has taken it down to a quarter of that. A subscriber that stops requesting
 * therefore holds at most that much in memory, and the server waits.
 *
 * <p>The rules of the Reactive Streams specification that a publisher owes its subscriber hold:
 * a second subscriber gets {@code onSubscribe} then {@code onError(IllegalStateException)};
 * {@code request(n)} with {@code n <= 0} ends the subscription with
 * {@code onError(IllegalArgumentException)}; demand adds up to {@link Long#MAX_VALUE} (unbounded);
 * {@code onComplete} follows the last buffer and {@code onError} a failure (a
 * {@link ClientException}: a timeout, a reset, a truncated body), each once, and signals of any
 * kind never overlap. After {@code cancel()} no signal comes; cancelling releases the connection at
 * once (an HTTP/1.1 connection is closed, an HTTP/2 stream reset with CANCEL). A body read to its
 * end gives its connection back to the pool before {@code onComplete}, and a failed one is released
 * before {@code onError}.
 *
 * <p>Threading: every signal runs on {@code executor} (the session's callback executor), one at a
 * time, never on an event loop and never inside {@code subscribe} or {@code request}. Each buffer
 * handed to {@code onNext} is the subscriber's own: a fresh heap buffer nobody else writes to.
 */
public final class BodyPublisher implements Flow.Publisher<ByteBuffer> {

    private static final System.Logger LOG = System.getLogger(BodyPublisher.class.getName());
    /** How much of a body that is not streamed (already in memory) goes in one buffer. */
    private static final int CHUNK = 64 * 1024;

    private final Source source;
    private final Runnable release;
    private final Executor executor;
    private final String describe;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    private BodyPublisher(Source source, Runnable release, Executor executor, String describe) {
        this.source = source;
        this.release = release;
        this.executor = executor;
        this.describe = describe;
    }

    /**
     * Returns a publisher of {@code body}: the stream of a streamed response, or any stream over a
     * body already in memory.
     *
     * @param release releases the response (its connection); run once the body is read to its
     *     end, has failed, or the subscriber cancelled. It must be idempotent.
     * @param executor runs the subscriber's signals
     * @param describe names the request in messages
     */
    public static BodyPublisher of(InputStream body, Runnable release, Executor executor, String describe) {
        Source source = body instanceof ResponseBodyStream stream ? new Streamed(stream) : new InMemory(body);
        return new BodyPublisher(source, release, executor, describe);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber"); // Reactive Streams rule 1.9
        if (!subscribed.compareAndSet(false, true)) {
            handOff(() -> {
                subscriber.onSubscribe(Refused.INSTANCE);
                subscriber.onError(new IllegalStateException(
                        "the body of " + describe + " can be subscribed to once, and already was"));
            });
            return;
        }
        Subscription subscription = new Subscription(subscriber);
        source.listen(subscription::signal);
        subscription.signal();
    }

    private void handOff(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException refused) {
            // The session is closing: the subscriber still hears how it ends rather than wait.
            task.run();
        }
    }

    /**
     * One subscription: demand, and the loop that meets it. The loop runs on the executor, one
     * run at a time (the {@code work} counter hands a signal that comes during a run to that run),
     * so the subscriber's signals never overlap.
     */
    private final class Subscription implements Flow.Subscription, Runnable {

        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger work = new AtomicInteger();
        private volatile boolean cancelled;
        private volatile long invalidRequest = 1;
        /** The loop's own state: touched only inside a run. */
        private Flow.Subscriber<? super ByteBuffer> subscriber;

        private boolean started;
        private boolean over;
        /** The end is decided (complete, or {@code failure}); signalled once {@code released}. */
        private boolean ending;

        private Throwable failure;
        private volatile boolean released;

        Subscription(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                invalidRequest = n; // Rule 3.9: ends the subscription with an error.
            } else {
                demand.getAndAccumulate(n, (had, more) -> had + more < 0 ? Long.MAX_VALUE : had + more);
            }
            signal();
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                release.run(); // At once: the subscriber may never call again.
                signal();
            }
        }

        /** Something changed (demand, an arrival, a cancel): makes sure a run sees it. Any thread. */
        void signal() {
            if (work.getAndIncrement() == 0) {
                handOff(this);
            }
        }

        @Override
        public void run() {
            int missed = 1;
            do {
                if (!over) {
                    step();
                }
                missed = work.addAndGet(-missed);
            } while (missed != 0);
        }

        /** Delivers what it can: buffers while there is demand, then the end once it has come. */
        private void step() {
            if (!started) {
                started = true;
                try {
                    subscriber.onSubscribe(this);
                } catch (RuntimeException | Error broken) {
                    abandon(broken); // Rule 2.13: a subscriber that throws is cancelled.
                    return;
                }
            }
            while (!over) {
                if (cancelled) {
                    end();
                    return;
                }
                if (ending) {
                    if (released) {
                        signalEnd();
                    }
                    return;
                }
                if (invalidRequest <= 0) {
                    finish(new IllegalArgumentException("request(" + invalidRequest + "): a subscriber "
                            + "must request a positive number of buffers (Reactive Streams rule 3.9)"));
                    continue;
                }
                long wanted = demand.get();
                byte[] piece;
                try {
                    piece = wanted > 0 ? source.poll() : null;
                    if (piece == null) {
                        if (!source.drained()) {
                            return; // An arrival or a request signals the next run.
                        }
                        finish(null);
                        continue;
                    }
                } catch (IOException e) {
                    finish(
                            e.getCause() instanceof ClientException known
                                    ? known
                                    : new ClientPayloadException(
                                            "reading the body of " + describe + ": " + e.getMessage(), e));
                    continue;
                } catch (CancellationException closed) {
                    finish(closed);
                    continue;
                }
                if (wanted != Long.MAX_VALUE) {
                    demand.decrementAndGet();
                }
                try {
                    subscriber.onNext(ByteBuffer.wrap(piece));
                } catch (RuntimeException | Error broken) {
                    abandon(broken);
                    return;
                }
            }
        }

        /**
         * The subscription ends, with {@code error} or (null) complete: the response is released,
         * and the subscriber hears of it only once the connection is back with the pool, so that
         * a request it makes next finds the connection there.
         */
        private void finish(Throwable error) {
            ending = true;
            failure = error;
            source.finish(() -> {
                released = true;
                signal();
            });
            release.run(); // Marks the response closed (and does nothing more).
        }

        private void signalEnd() {
            Flow.Subscriber<? super ByteBuffer> done = subscriber;
            Throwable error = failure;
            end();
            if (error == null) {
                done.onComplete();
            } else {
                done.onError(error);
            }
        }

        /**
         * The subscriber threw, breaking rule 2.13: cancelled, told nothing more, logged. An
         * {@link Error} goes on up to the executor's thread once the connection is released.
         */
        private void abandon(Throwable broken) {
            cancelled = true;
            release.run();
            end();
            if (broken instanceof Error error) {
                throw error;
            }
            LOG.log(
                    System.Logger.Level.WARNING,
                    "a Flow.Subscriber of the body of " + describe + " threw; its subscription was cancelled",
                    broken);
        }

        /** No signal after this; the subscriber is let go (rule 3.13). */
        private void end() {
            over = true;
            subscriber = null;
        }
    }

    /** Where the pieces come from, polled without waiting. */
    private interface Source {

        /** Calls {@code signal} (from any thread) whenever something arrives. */
        void listen(Runnable signal);

        /** Returns the next piece, owned by the caller, or null if none is here yet. */
        byte[] poll() throws IOException;

        /** Returns whether every piece was taken and the body ended; throws its failure. */
        boolean drained() throws IOException;

        /** Ends reading, and runs {@code then} (on any thread) once the connection is released. */
        void finish(Runnable then);
    }

    /** A streamed body, arriving from the network. */
    private record Streamed(ResponseBodyStream stream) implements Source {

        @Override
        public void listen(Runnable signal) {
            stream.publishTo(signal);
        }

        @Override
        public byte[] poll() {
            return stream.poll();
        }

        @Override
        public boolean drained() throws IOException {
            return stream.drained();
        }

        @Override
        public void finish(Runnable then) {
            stream.close(then);
        }
    }

    /** A body already in memory (a buffered answer, or one an interceptor made): read ahead by a chunk. */
    private static final class InMemory implements Source {
        private final InputStream in;
        private byte[] next;
        private boolean atEnd;

        InMemory(InputStream in) {
            this.in = in;
        }

        @Override
        public void listen(Runnable signal) {
            // Everything is here: nothing arrives later.
        }

        @Override
        public byte[] poll() throws IOException {
            readAhead();
            byte[] piece = next;
            next = null;
            return piece;
        }

        @Override
        public boolean drained() throws IOException {
            readAhead();
            return next == null && atEnd;
        }

        @Override
        public void finish(Runnable then) {
            then.run(); // No connection: a buffered body gave it back before it was handed out.
        }

        private void readAhead() throws IOException {
            if (next != null || atEnd) {
                return;
            }
            byte[] piece = in.readNBytes(CHUNK);
            if (piece.length < CHUNK) {
                atEnd = true;
                in.close();
            }
            next = piece.length == 0 ? null : piece;
        }
    }

    /** What a refused second subscriber is handed: a subscription that does nothing. */
    private enum Refused implements Flow.Subscription {
        INSTANCE;

        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
    }
}
