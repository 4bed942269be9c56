package io.posthaste.internal.exchange;

import io.posthaste.ProgressListener;

/**
 * Feeds one {@link ProgressListener} for one transfer: only forward, never the same call twice,
 * and a listener that throws cannot break the exchange. Event loop only.
 */
final class Progress {

    private static final System.Logger LOG = System.getLogger(Progress.class.getName());

    private final ProgressListener listener;
    private long total;
    private long done;
    private long reported = -1;
    private long reportedTotal = -2;

    Progress(ProgressListener listener, long total) {
        this.listener = listener;
        this.total = total;
    }

    static Progress of(ProgressListener listener, long total) {
        return listener == null ? null : new Progress(listener, total);
    }

    void total(long newTotal) {
        this.total = newTotal;
    }

    void add(long bytes) {
        done += bytes;
        report(total >= 0 ? Math.min(done, total) : done);
    }

    /** Reports the end: {@code done == total}. */
    void finish() {
        if (total < 0) {
            total = done;
        }
        if (reported != total || reportedTotal != total) {
            call(total);
        }
    }

    private void report(long value) {
        if (value > reported) {
            call(value);
        }
    }

    private void call(long value) {
        reported = value;
        reportedTotal = total;
        try {
            listener.onProgress(value, total);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a progress listener failed", e);
        }
    }
}
