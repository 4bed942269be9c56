package io.posthaste.internal.exchange;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The completion of a future a caller sees — a {@code sendAsync()} result, or the future a
 * virtual thread blocked in {@code send()} waits on — to be run off the I/O thread that finished
 * the exchange, so that no caller code ever runs there.
 *
 * @param <T> the future's value type
 */
public final class Completion<T> implements Runnable {

    private final CompletableFuture<T> future;
    private final T value;
    private final Throwable failure;

    public Completion(CompletableFuture<T> future, T value, Throwable failure) {
        this.future = future;
        this.value = value;
        this.failure = failure;
    }

    /** Completes the future; on the executor it was handed to. */
    @Override
    public void run() {
        if (failure != null) {
            future.completeExceptionally(failure);
        } else {
            future.complete(value);
        }
    }

    /**
     * The executor refused the task (it was shut down, or threw): the future still completes,
     * here, exceptionally with the exchange's own failure if it had one, else with the refusal,
     * so nobody waits forever.
     */
    public void rejected(RuntimeException refusal) {
        future.completeExceptionally(failure != null ? failure : refusal);
    }

    /** Runs this on {@code executor} now, or completes the future with the refusal. */
    public void handTo(Executor executor) {
        try {
            executor.execute(this);
        } catch (RuntimeException refusal) {
            // RejectedExecutionException above all, but any executor that throws counts.
            rejected(refusal);
        }
    }
}
