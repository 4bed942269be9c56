package io.posthaste.internal.exchange;

import io.posthaste.Headers;
import io.posthaste.internal.Bridge;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A response body read as it arrives. The event loop offers pieces; the reader takes them. When
 * more than {@value #HIGH_WATER} bytes wait unread, the carrier stops reading from the network
 * until the reader has caught up to {@value #LOW_WATER}, so a slow reader costs a bounded amount
 * of memory and the server simply waits (TCP flow control).
 *
 * <p>Two kinds of reader take the pieces, never both: a thread that blocks in {@link #read}, or a
 * {@link BodyPublisher} that {@linkplain #publishTo registers} to be told when something
 * arrived and then {@linkplain #poll() polls} without waiting. Both go through the same
 * accounting, so a subscriber that stops requesting stops the network exactly as a thread that
 * stops reading does.
 */
final class ResponseBodyStream extends InputStream {

    static final int HIGH_WATER = 1024 * 1024;
    static final int LOW_WATER = 256 * 1024;

    private final Carrier carrier;
    private final Exchange exchange;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<byte[]> pieces = new ArrayDeque<>();
    private byte[] current;
    private int position;
    private long queued;
    private boolean ended;
    private IOException failure;
    private boolean paused;
    private boolean closed;
    private String[] trailers;
    /** Told (outside the lock) whenever a piece, the end or a failure arrives; null for a thread reader. */
    private volatile Runnable arrivals;

    ResponseBodyStream(Carrier carrier, Exchange exchange) {
        this.carrier = carrier;
        this.exchange = exchange;
    }

    /** Adds a piece of the body. Event loop. */
    void offer(byte[] piece) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            pieces.addLast(piece);
            queued += piece.length;
            if (queued > HIGH_WATER && !paused) {
                paused = true;
                carrier.pauseReading();
            }
            available.signalAll();
        } finally {
            lock.unlock();
        }
        notifyArrival();
    }

    /** Keeps the trailer fields that end the body (they arrive just before {@link #end()}). Event loop. */
    void trailers(String[] fields) {
        lock.lock();
        try {
            trailers = fields;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the trailer fields, empty if none came. Any thread.
     *
     * @throws IllegalStateException if the body has not been read to its end
     */
    Headers trailers() {
        String[] fields;
        lock.lock();
        try {
            if (!ended || failure != null || current != null || !pieces.isEmpty()) {
                throw new IllegalStateException("the trailers follow the body: read it to its end first");
            }
            fields = trailers;
        } finally {
            lock.unlock();
        }
        return fields == null ? Headers.empty() : Bridge.get().trustedHeaders(fields);
    }

    /** Marks the end of the body. Event loop. */
    void end() {
        lock.lock();
        try {
            ended = true;
            available.signalAll();
        } finally {
            lock.unlock();
        }
        notifyArrival();
    }

    /** Ends the body with a failure the reader will see. Any thread. */
    void fail(IOException cause) {
        lock.lock();
        try {
            if (!ended) {
                failure = cause;
                ended = true;
            }
            available.signalAll();
        } finally {
            lock.unlock();
        }
        notifyArrival();
    }

    private void notifyArrival() {
        Runnable listener = arrivals;
        if (listener != null) {
            listener.run();
        }
    }

    /**
     * Hands the rest of the body to a publisher: {@code listener} is told of every arrival from
     * now on, and blocking reads fail. Any thread; once.
     *
     * @throws IllegalStateException if a publisher already took the body
     */
    void publishTo(Runnable listener) {
        lock.lock();
        try {
            if (arrivals != null) {
                throw new IllegalStateException("the body is already being published");
            }
            arrivals = listener;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next unread piece without waiting (the caller owns it), or returns null if none
     * is here yet, or the stream is closed. Any thread.
     */
    byte[] poll() {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            byte[] piece;
            if (current != null && position < current.length) {
                // Only after blocking reads took part of it: hand over the rest.
                piece = position == 0 ? current : Arrays.copyOfRange(current, position, current.length);
                current = null;
            } else {
                current = null;
                piece = pieces.pollFirst();
                if (piece == null) {
                    return null;
                }
            }
            position = 0;
            queued -= piece.length;
            resumeIfCaughtUp();
            return piece;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns whether the body ended cleanly with every piece taken; throws its failure once every
     * piece before it was taken. False while more may come. Any thread.
     *
     * @throws CancellationException if the stream was closed before it was drained
     */
    boolean drained() throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new CancellationException("the response was closed before its body was read to its end");
            }
            if (!ended || !pieces.isEmpty() || current != null && position < current.length) {
                return false;
            }
            if (failure != null) {
                throw failure;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Returns whether reading is paused because the reader is behind. */
    boolean isPaused() {
        return paused;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            if (!awaitPiece()) {
                return -1;
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            consumed(n);
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes the rest of the body to {@code out} a whole received piece at a time: no copy into
     * an intermediate buffer, and one write per piece (tens of KiB) rather than per 8 KiB. The
     * writes happen outside the lock, so the event loop never waits on a slow {@code out}.
     */
    @Override
    public long transferTo(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        long total = 0;
        while (true) {
            byte[] piece;
            int from;
            lock.lock();
            try {
                if (!awaitPiece()) {
                    return total;
                }
                piece = current;
                from = position;
                consumed(piece.length - from);
            } finally {
                lock.unlock();
            }
            out.write(piece, from, piece.length - from);
            total += piece.length - from;
        }
    }

    /**
     * Under the lock: waits until {@code current} has unread bytes; false at the end of the body.
     * Throws the body's failure, or if the stream was closed or the thread interrupted.
     */
    private boolean awaitPiece() throws IOException {
        if (arrivals != null) {
            throw new IOException(
                    "the response body is delivered to a Flow.Subscriber: read it " + "there, not from this stream");
        }
        try {
            while (current == null || position == current.length) {
                if (closed) {
                    throw new IOException("the response body stream is closed");
                }
                current = pieces.pollFirst();
                position = 0;
                if (current != null) {
                    continue;
                }
                if (failure != null) {
                    throw failure;
                }
                if (ended) {
                    return false;
                }
                available.await(1, TimeUnit.SECONDS);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the response body");
        }
    }

    /** Under the lock: {@code n} bytes of {@code current} were taken; resumes reading if due. */
    private void consumed(int n) {
        position += n;
        queued -= n;
        resumeIfCaughtUp();
    }

    /** Under the lock: resumes reading once the reader is back under the low-water mark. */
    private void resumeIfCaughtUp() {
        if (paused && queued < LOW_WATER) {
            paused = false;
            carrier.eventLoop().execute(() -> {
                exchange.onReadResumed();
                carrier.resumeReading();
            });
        }
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, queued);
        } finally {
            lock.unlock();
        }
    }

    /** Returns whether the whole body arrived and was read. */
    boolean isFullyRead() {
        lock.lock();
        try {
            return ended && failure == null && pieces.isEmpty() && (current == null || position == current.length);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the stream. A body not read to its end cannot leave the connection reusable, so the
     * exchange then closes the connection instead of returning it to the pool.
     */
    @Override
    public void close() {
        close(null);
    }

    /**
     * Closes the stream as {@link #close()} does (if it is not closed yet), then runs
     * {@code afterRelease} on the event loop once the exchange has given its connection back,
     * whoever closed the stream. Any thread.
     */
    void close(Runnable afterRelease) {
        boolean first;
        boolean complete;
        lock.lock();
        try {
            first = !closed;
            complete = ended && failure == null && pieces.isEmpty() && (current == null || position == current.length);
            closed = true;
            pieces.clear();
            current = null;
            available.signalAll();
        } finally {
            lock.unlock();
        }
        if (first) {
            exchange.onStreamClosed(complete);
        }
        if (afterRelease != null) {
            exchange.whenReleased(afterRelease);
        }
        if (first) {
            notifyArrival(); // A subscriber still waiting hears that the body will not go on.
        }
    }
}
