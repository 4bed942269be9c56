package io.posthaste.internal.body;

import io.posthaste.Body;
import io.posthaste.MediaType;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-shot body taken from a {@link Flow.Publisher} of {@link ByteBuffer}s.
 *
 * <p>It is written, as every body that needs waiting is, by the transport's pump on a blocking
 * thread of its own ({@link #writeTo}); that thread subscribes, requests one buffer, writes it
 * and only then requests the next. The pump's writes wait while the connection cannot take more
 * (HTTP/1.1: the channel's outbound buffer is full; HTTP/2: the stream's window is shut), so the
 * publisher is asked for a buffer only as fast as the network takes them, and at most one
 * buffer of the publisher's is held. Each buffer is copied out before the next is requested:
 * the publisher may reuse it after that.
 *
 * <p>The publisher's {@code onError} fails the request (the pump reports it as a
 * {@code ClientPayloadException} with this cause); a request that ends first (a timeout, an
 * early answer, a cancel) cancels the subscription. A publisher that sends more than it was asked
 * for breaks Reactive Streams rule 1.1 and fails the request.
 */
public final class PublisherBody implements Body {

    /** How often a wait for the publisher looks whether the request is still wanted. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final int SCRATCH = 64 * 1024;

    private final Flow.Publisher<? extends ByteBuffer> publisher;
    private final long length;
    private final MediaType contentType;
    private final AtomicBoolean used = new AtomicBoolean();

    public PublisherBody(Flow.Publisher<? extends ByteBuffer> publisher, long length, MediaType contentType) {
        this.publisher = publisher;
        this.length = length;
        this.contentType = contentType;
    }

    @Override
    public MediaType contentType() {
        return contentType;
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public boolean isReplayable() {
        return false;
    }

    /**
     * Subscribes and writes every buffer to {@code out}, one requested at a time; returns after
     * {@code onComplete}. Cancels the subscription if anything fails, {@code out} included.
     *
     * @throws IOException the publisher's error as the cause, or {@code out}'s failure
     */
    @Override
    public void writeTo(OutputStream out) throws IOException {
        if (!used.compareAndSet(false, true)) {
            throw new IOException("this one-shot publisher body has already been sent once");
        }
        Upstream upstream = new Upstream();
        publisher.subscribe(upstream);
        boolean finished = false;
        try {
            byte[] scratch = null;
            upstream.awaitSubscription(out);
            upstream.request();
            for (Object next = upstream.take(out); next != Upstream.COMPLETE; next = upstream.take(out)) {
                ByteBuffer buffer = ((ByteBuffer) next).duplicate();
                if (buffer.hasArray()) {
                    out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
                } else {
                    if (scratch == null) {
                        scratch = new byte[SCRATCH];
                    }
                    while (buffer.hasRemaining()) {
                        int n = Math.min(scratch.length, buffer.remaining());
                        buffer.get(scratch, 0, n);
                        out.write(scratch, 0, n);
                    }
                }
                upstream.request();
            }
            finished = true;
        } finally {
            if (!finished) {
                upstream.cancel();
            }
        }
    }

    /**
     * The subscriber side, handing the publisher's signals to the writing thread. With one buffer
     * requested at a time the queue holds at most that buffer and the end.
     */
    private static final class Upstream implements Flow.Subscriber<ByteBuffer> {

        static final Object COMPLETE = new Object();

        private final LinkedBlockingQueue<Object> signals = new LinkedBlockingQueue<>();
        private final AtomicBoolean subscribed = new AtomicBoolean();
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;
        /** Buffers asked for and not delivered yet. */
        private final AtomicLong outstanding = new AtomicLong();

        @Override
        public void onSubscribe(Flow.Subscription s) {
            if (!subscribed.compareAndSet(false, true)) {
                s.cancel(); // Rule 2.5: one subscription at a time.
                return;
            }
            subscription = s;
            if (cancelled) {
                s.cancel(); // The request ended before the publisher called back.
                return;
            }
            signals.add(this);
        }

        @Override
        public void onNext(ByteBuffer buffer) {
            if (outstanding.decrementAndGet() < 0) {
                signals.add(new Failure(new IllegalStateException(
                        "the publisher sent a buffer that was " + "not requested (Reactive Streams rule 1.1)")));
                return;
            }
            signals.add(buffer);
        }

        @Override
        public void onError(Throwable error) {
            signals.add(new Failure(error));
        }

        @Override
        public void onComplete() {
            signals.add(COMPLETE);
        }

        /** Waits for {@code onSubscribe}, as {@link #take} waits. Writing thread. */
        void awaitSubscription(OutputStream out) throws IOException {
            Object first = take(out);
            if (first != this) {
                throw new IOException(
                        "the body's publisher signalled before onSubscribe (Reactive " + "Streams rule 1.9)");
            }
        }

        /** Asks for one more buffer; after {@link #awaitSubscription}. Writing thread. */
        void request() {
            outstanding.incrementAndGet();
            subscription.request(1);
        }

        /**
         * Waits for the next signal: the subscription (this), a buffer or {@link #COMPLETE}; throws the publisher's error, or gives
         * up once the request is no longer wanted ({@code out} says so when it is the transport's
         * sink) or the thread is interrupted. Writing thread.
         */
        Object take(OutputStream out) throws IOException {
            while (true) {
                Object next;
                try {
                    next = signals.poll(RECHECK_NANOS, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the body's publisher");
                }
                if (next instanceof Failure failure) {
                    throw new IOException("the body's publisher failed: " + failure.error(), failure.error());
                } else if (next != null) {
                    return next;
                } else if (out instanceof BodySink sink && sink.isAbandoned()) {
                    throw new IOException("the exchange ended while waiting for the body's publisher");
                }
            }
        }

        /** Cancels the subscription, now or as soon as it comes. Any thread. */
        void cancel() {
            cancelled = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        private record Failure(Throwable error) {}
    }
}
