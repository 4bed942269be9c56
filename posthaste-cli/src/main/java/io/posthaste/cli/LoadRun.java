package io.posthaste.cli;

import io.posthaste.ClientException;
import io.posthaste.ClientTimeoutException;
import io.posthaste.Response;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Sends one request over and over from {@code concurrency} workers, each starting its next
 * request when its last one completed (a closed loop, as oha, hey and wrk do), until
 * {@code requests} were sent or the time is up, and counts what came back: latencies, status
 * codes, errors by kind, body bytes, and the whole process's CPU time. Thread-safe; workers run
 * on whatever thread completes their requests.
 */
final class LoadRun {

    /** What a finished run measured. */
    record Result(
            long requests,
            double seconds,
            LatencyHistogram latencies,
            Map<Integer, Long> statuses,
            Map<String, Long> errors,
            long bodyBytes,
            long cpuNanos,
            int concurrency) {

        double rps() {
            return seconds == 0 ? 0 : requests / seconds;
        }

        double cpuMicrosPerRequest() {
            return requests == 0 ? 0 : cpuNanos / 1000.0 / requests;
        }
    }

    private final Supplier<CompletableFuture<Response>> send;
    private final int concurrency;
    private final long maxRequests;
    private final long deadlineNanos;
    private final AtomicLong issued = new AtomicLong();
    private final LongAdder done = new LongAdder();
    private final LatencyHistogram latencies = new LatencyHistogram();
    private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder bodyBytes = new LongAdder();
    private final CountDownLatch workersDone;

    /**
     * @param send sends the request once
     * @param concurrency how many requests are in flight at once
     * @param maxRequests how many to send in all, or {@link Long#MAX_VALUE} for as many as fit
     * @param durationNanos how long to keep sending, or {@link Long#MAX_VALUE} for no limit
     */
    LoadRun(Supplier<CompletableFuture<Response>> send, int concurrency, long maxRequests, long durationNanos) {
        this.send = send;
        this.concurrency = concurrency;
        this.maxRequests = maxRequests;
        this.deadlineNanos = durationNanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + durationNanos;
        this.workersDone = new CountDownLatch(concurrency);
    }

    /** Runs the load to its end and returns what it measured. */
    Result run() throws InterruptedException {
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            next();
        }
        workersDone.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpu = processCpuNanos() - cpuBefore;
        return new Result(
                done.sum(),
                seconds,
                latencies,
                snapshot(statuses),
                snapshot(errors),
                bodyBytes.sum(),
                cpu,
                concurrency);
    }

    /** Returns how many requests completed so far. Any thread. */
    long completed() {
        return done.sum();
    }

    LatencyHistogram latencies() {
        return latencies;
    }

    long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /**
     * Starts a worker's next request, or ends the worker when the run is over. A request that
     * completes at once (a refused one) is counted here and the loop goes on, so that a run of
     * instant failures never deepens the stack.
     */
    private void next() {
        while (issued.incrementAndGet() <= maxRequests && System.nanoTime() - deadlineNanos < 0) {
            long started = System.nanoTime();
            CompletableFuture<Response> response;
            try {
                response = send.get();
            } catch (RuntimeException e) {
                response = CompletableFuture.failedFuture(e);
            }
            if (!response.isDone()) {
                response.whenComplete((answer, failure) -> {
                    count(started, answer, failure);
                    next();
                });
                return;
            }
            Throwable failure = failureOf(response);
            count(started, failure == null ? response.join() : null, failure);
        }
        workersDone.countDown();
    }

    private void count(long started, Response answer, Throwable failure) {
        latencies.record(System.nanoTime() - started);
        if (failure != null) {
            errors.computeIfAbsent(kind(failure), k -> new LongAdder()).increment();
        } else {
            statuses.computeIfAbsent(answer.status(), k -> new LongAdder()).increment();
            bodyBytes.add(answer.bytes().length);
        }
        done.increment();
    }

    private static Throwable failureOf(CompletableFuture<Response> done) {
        try {
            done.join();
            return null;
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return e;
        }
    }

    /** Names an error for the counts: its type, and a timeout's phase. */
    static String kind(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ClientTimeoutException timeout) {
            return "timeout (" + timeout.phase().name().toLowerCase(java.util.Locale.ROOT) + ")";
        }
        return cause instanceof ClientException
                ? cause.getClass().getSimpleName()
                : cause.getClass().getName();
    }

    private static <K extends Comparable<K>> Map<K, Long> snapshot(Map<K, LongAdder> counts) {
        Map<K, Long> sorted = new TreeMap<>();
        counts.forEach((key, count) -> sorted.put(key, count.sum()));
        return sorted;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
