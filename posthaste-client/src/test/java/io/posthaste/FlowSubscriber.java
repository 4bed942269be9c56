package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A subscriber for tests that records every signal and checks the publisher's side of the
 * Reactive Streams rules as it goes: onSubscribe first and once, signals never overlapping, no
 * onNext beyond demand, nothing after a terminal signal or a cancel. A breach is kept and fails
 * {@link #assertRulesKept()}.
 */
final class FlowSubscriber implements Flow.Subscriber<ByteBuffer> {

    private final long initialRequest;
    private final Consumer<FlowSubscriber> onNextHook;
    final List<ByteBuffer> buffers = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final List<String> breaches = new CopyOnWriteArrayList<>();
    final AtomicLong received = new AtomicLong();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicBoolean inSignal = new AtomicBoolean();
    private final AtomicLong demand = new AtomicLong();
    private volatile Flow.Subscription subscription;
    private volatile boolean terminated;
    private volatile boolean cancelled;

    private FlowSubscriber(long initialRequest, Consumer<FlowSubscriber> onNextHook) {
        this.initialRequest = initialRequest;
        this.onNextHook = onNextHook;
    }

    /** Requests {@code n} in onSubscribe (0: nothing). */
    static FlowSubscriber requesting(long n) {
        return new FlowSubscriber(n, s -> {});
    }

    /** Requests {@code n} in onSubscribe, and runs {@code hook} after each onNext. */
    static FlowSubscriber requesting(long n, Consumer<FlowSubscriber> hook) {
        return new FlowSubscriber(n, hook);
    }

    void request(long n) {
        if (n > 0) {
            demand.addAndGet(n);
        }
        subscription.request(n);
    }

    void cancel() {
        cancelled = true;
        subscription.cancel();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        enter("onSubscribe");
        if (subscription != null) {
            breaches.add("onSubscribe twice");
        }
        subscription = s;
        exit();
        if (initialRequest > 0) {
            request(initialRequest);
        }
    }

    @Override
    public void onNext(ByteBuffer buffer) {
        enter("onNext");
        if (subscription == null || terminated || cancelled) {
            breaches.add("onNext after the end or a cancel, or before onSubscribe");
        }
        if (demand.get() != Long.MAX_VALUE && demand.decrementAndGet() < 0) {
            breaches.add("onNext beyond demand");
        }
        buffers.add(buffer);
        received.addAndGet(buffer.remaining());
        exit();
        onNextHook.accept(this);
    }

    @Override
    public void onError(Throwable error) {
        enter("onError");
        terminal();
        exit();
        done.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        enter("onComplete");
        terminal();
        exit();
        done.complete(null);
    }

    private void terminal() {
        if (terminated) {
            breaches.add("a second terminal signal");
        }
        if (cancelled) {
            breaches.add("a terminal signal after a cancel");
        }
        terminated = true;
    }

    private void enter(String signal) {
        threads.add(Thread.currentThread().getName());
        if (!inSignal.compareAndSet(false, true)) {
            breaches.add(signal + " overlapped another signal");
        }
    }

    private void exit() {
        inSignal.set(false);
    }

    /** Waits for onComplete; throws what onError brought. */
    void awaitComplete() throws Exception {
        done.get(20, TimeUnit.SECONDS);
    }

    /** Waits for the terminal signal and returns the error, or fails if it completed. */
    Throwable awaitError() throws Exception {
        Throwable error = done.handle((ok, failure) -> failure).get(20, TimeUnit.SECONDS);
        if (error == null) {
            throw new AssertionError("onComplete came where onError was expected");
        }
        return error;
    }

    /** Waits for onSubscribe. */
    void awaitSubscribed() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (subscription == null && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(subscription).as("onSubscribe within 5 s").isNotNull();
    }

    /** Waits until at least {@code bytes} arrived. */
    void awaitBytes(long bytes, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (received.get() < bytes && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(received.get()).as("bytes delivered").isGreaterThanOrEqualTo(bytes);
    }

    /** Returns every buffer's bytes, in order, as they were delivered. */
    byte[] bytes() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (ByteBuffer b : buffers) {
            ByteBuffer copy = b.duplicate();
            byte[] chunk = new byte[copy.remaining()];
            copy.get(chunk);
            all.writeBytes(chunk);
        }
        return all.toByteArray();
    }

    boolean isTerminated() {
        return terminated;
    }

    void assertRulesKept() {
        assertThat(breaches).as("Reactive Streams rules broken").isEmpty();
    }
}
