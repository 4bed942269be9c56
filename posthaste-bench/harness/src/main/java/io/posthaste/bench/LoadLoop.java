package io.posthaste.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drives requests for a bounded time and count, recording latency, successes and failures.
 * One instance per phase; {@link #run} returns only after every request it started has finished
 * (or the drain timeout passed, in which case the stragglers count as failures).
 */
final class LoadLoop {

    /** Starts one asynchronous request. */
    interface AsyncOp {
        void start(Completion done);
    }

    /** Performs one blocking request and returns its status. */
    interface BlockingOp {
        int call() throws Exception;
    }

    private static final long DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    final LatencyHistogram latency = new LatencyHistogram();
    final LongAdder ok = new LongAdder();
    final LongAdder failed = new LongAdder();
    final AtomicReference<Throwable> firstError = new AtomicReference<>();
    private final AtomicLong stragglers = new AtomicLong();

    private void finish(long startNanos, int status, Throwable error) {
        latency.record(System.nanoTime() - startNanos);
        if (error == null && status == 200) {
            ok.increment();
        } else {
            failed.increment();
            firstError.compareAndSet(null, error != null ? error : new IllegalStateException("status " + status));
        }
    }

    /** Issues from the calling thread, at most {@code concurrency} requests in flight. */
    void runAsync(AsyncOp op, int concurrency, long durationNanos, long maxRequests) throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        long end = System.nanoTime() + durationNanos;
        for (long issued = 0; issued < maxRequests && System.nanoTime() < end; issued++) {
            if (!permits.tryAcquire(DRAIN_TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
                stall(concurrency);
                return;
            }
            long t0 = System.nanoTime();
            try {
                op.start((status, error) -> {
                    finish(t0, status, error);
                    permits.release();
                });
            } catch (RuntimeException | Error e) {
                finish(t0, 0, e);
                permits.release();
            }
        }
        if (!permits.tryAcquire(concurrency, DRAIN_TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
            stall(concurrency - permits.availablePermits());
        }
    }

    private void stall(int inFlight) {
        stragglers.addAndGet(inFlight);
        failed.add(inFlight);
        firstError.compareAndSet(null, new IllegalStateException(inFlight + " requests did not finish within 30 s"));
    }

    /** Runs {@code threads} threads from {@code factory}, each calling {@code op} in a loop. */
    void runBlocking(BlockingOp op, int threads, ThreadFactory factory, long durationNanos, long maxRequests)
            throws InterruptedException {
        long end = System.nanoTime() + durationNanos;
        AtomicLong issued = new AtomicLong();
        Runnable worker = () -> {
            while (issued.getAndIncrement() < maxRequests && System.nanoTime() < end) {
                long t0 = System.nanoTime();
                try {
                    finish(t0, op.call(), null);
                } catch (Exception | Error e) {
                    finish(t0, 0, e);
                }
            }
        };
        List<Thread> started = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            Thread t = factory.newThread(worker);
            t.setDaemon(true);
            t.start();
            started.add(t);
        }
        long joinDeadline = end + DRAIN_TIMEOUT_NANOS;
        for (Thread t : started) {
            long left = joinDeadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
            if (t.isAlive()) {
                stall(1);
            }
        }
    }

    long stragglers() {
        return stragglers.get();
    }
}
