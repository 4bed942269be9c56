package io.posthaste.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on stderr: bytes, percent, speed and time left, redrawn in place with
 * {@code \r} at most ten times a second, then left on screen with a newline when finished.
 * {@link #NONE} draws nothing. Thread-safe: uploads advance it from the client's writer thread.
 */
class ProgressBar {

    /** Bars are shown only for transfers larger than this (or of unknown size, once past it). */
    static final long THRESHOLD = 1024 * 1024;

    /** A bar that never draws. */
    static final ProgressBar NONE = new ProgressBar(null, "", -1, 80, System::nanoTime) {
        @Override
        synchronized void advance(long bytes) {}

        @Override
        synchronized void finish() {}
    };

    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream err;
    private final String label;
    private final long total;
    private final int columns;
    private final LongSupplier clock;
    private final long start;
    private long done;
    private long lastDraw;
    private boolean drawn;
    private boolean finished;

    ProgressBar(PrintStream err, String label, long total, int columns, LongSupplier clock) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.columns = columns;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.lastDraw = start;
    }

    /**
     * Returns a bar for a transfer of {@code total} bytes ({@code -1} if unknown) when stderr is a
     * terminal and the transfer may be over {@link #THRESHOLD}; {@link #NONE} otherwise.
     */
    static ProgressBar forTransfer(Terminal terminal, String label, long total) {
        if (!terminal.stderrIsTerminal() || total >= 0 && total <= THRESHOLD) {
            return NONE;
        }
        return new ProgressBar(terminal.err(), label, total, terminal.columns(), System::nanoTime);
    }

    /** Counts {@code bytes} more and redraws if the last drawing is old enough. */
    synchronized void advance(long bytes) {
        done += bytes;
        long now = clock.getAsLong();
        if (now - lastDraw >= REDRAW_NANOS && done > THRESHOLD) {
            lastDraw = now;
            draw(now);
        }
    }

    /** Draws the final state and ends the line; later calls do nothing. */
    synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (drawn || done > THRESHOLD) {
            draw(clock.getAsLong());
            err.print('\n');
            err.flush();
        }
    }

    /** Returns the bar's line for {@code done} bytes at {@code now}, without {@code \r}. */
    synchronized String line(long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double speed = done / seconds;
        StringBuilder right = new StringBuilder();
        right.append(' ').append(Units.bytes(done));
        if (total >= 0) {
            right.append(" / ").append(Units.bytes(total));
        }
        right.append("  ").append(Units.bytes((long) speed)).append("/s");
        if (total > 0 && !finished) {
            long left = speed > 0 ? (long) ((total - done) / speed) : -1;
            right.append("  ETA ")
                    .append(left < 0 ? "--:--" : String.format(Locale.ROOT, "%d:%02d", left / 60, left % 60));
        } else if (finished) {
            right.append(String.format(Locale.ROOT, "  in %.1fs", seconds));
        }
        StringBuilder line = new StringBuilder(label);
        if (total > 0) {
            int percent = (int) Math.min(100, done * 100 / total);
            int width = Math.max(10, columns - label.length() - right.length() - 9);
            int filled = (int) ((long) width * Math.min(done, total) / total);
            line.append(String.format(Locale.ROOT, " %3d%% [", percent))
                    .append("=".repeat(filled))
                    .append(filled < width ? ">" : "")
                    .append(" ".repeat(Math.max(0, width - filled - 1)))
                    .append(']');
        }
        return line.append(right).toString();
    }

    private void draw(long now) {
        drawn = true;
        // \r returns to the start of the line; ESC[K clears what a longer earlier line left.
        err.print("\r" + line(now) + "\u001b[K");
        err.flush();
    }
}
