package io.posthaste.internal.connection;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the pool needs of time: a monotonic clock, and tasks run after a delay (a waiter's
 * timeout) or periodically (the idle sweep). Both come from one object so that they share one
 * time base: a test drives the pool by hand by moving a fake clock, which also runs the tasks
 * that fall due. Implementations are thread-safe; tasks may run on any thread.
 */
public interface Scheduler {

    /** A scheduled task; cancelling it is idempotent and harmless once it has run. */
    interface Task {
        /** Prevents the task from running (again). */
        void cancel();
    }

    /** Returns the current time of a monotonic clock, as {@link System#nanoTime()} does. */
    long nanoTime();

    /** Runs {@code task} once, {@code delayNanos} from now. */
    Task schedule(Runnable task, long delayNanos);

    /** Runs {@code task} every {@code periodNanos}, the first time {@code periodNanos} from now. */
    Task scheduleWithFixedDelay(Runnable task, long periodNanos);

    /**
     * Returns a scheduler that runs tasks on {@code executor} (for the pool, one of the shared
     * event loops) and reads {@link System#nanoTime()}.
     */
    static Scheduler on(ScheduledExecutorService executor) {
        return new Scheduler() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public Task schedule(Runnable task, long delayNanos) {
                ScheduledFuture<?> future = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
                return () -> future.cancel(false);
            }

            @Override
            public Task scheduleWithFixedDelay(Runnable task, long periodNanos) {
                ScheduledFuture<?> future =
                        executor.scheduleWithFixedDelay(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
                return () -> future.cancel(false);
            }
        };
    }
}
