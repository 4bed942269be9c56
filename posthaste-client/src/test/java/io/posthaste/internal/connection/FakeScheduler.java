package io.posthaste.internal.connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} whose clock moves only when the test {@linkplain #advance advances} it;
 * the tasks that fall due run then, in order of due time, on the test's thread. Not
 * thread-safe: for tests that drive the pool from one thread.
 */
final class FakeScheduler implements Scheduler {

    /** Far from zero, as {@link System#nanoTime()} may be: nothing may assume time starts at 0. */
    private long now = TimeUnit.DAYS.toNanos(3);

    private long sequence;
    private final List<Entry> entries = new ArrayList<>();

    private final class Entry implements Task {
        final Runnable task;
        final long periodNanos;
        final long order = sequence++;
        long due;

        Entry(Runnable task, long due, long periodNanos) {
            this.task = task;
            this.due = due;
            this.periodNanos = periodNanos;
        }

        @Override
        public void cancel() {
            entries.remove(this);
        }
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Task schedule(Runnable task, long delayNanos) {
        return add(new Entry(task, now + delayNanos, 0));
    }

    @Override
    public Task scheduleWithFixedDelay(Runnable task, long periodNanos) {
        return add(new Entry(task, now + periodNanos, periodNanos));
    }

    /** Moves the clock forward by {@code by}, running every task that falls due on the way. */
    void advance(Duration by) {
        long target = now + by.toNanos();
        for (Entry next = nextDueBy(target); next != null; next = nextDueBy(target)) {
            now = next.due;
            if (next.periodNanos > 0) {
                next.due = now + next.periodNanos;
            } else {
                entries.remove(next);
            }
            next.task.run();
        }
        now = target;
    }

    /** Returns how many tasks are scheduled and not cancelled (a periodic one counts once). */
    int scheduled() {
        return entries.size();
    }

    private Entry add(Entry entry) {
        entries.add(entry);
        return entry;
    }

    private Entry nextDueBy(long target) {
        Entry first = null;
        for (Entry entry : entries) {
            if (entry.due - target <= 0
                    && (first == null
                            || entry.due - first.due < 0
                            || entry.due == first.due && entry.order < first.order)) {
                first = entry;
            }
        }
        return first;
    }
}
