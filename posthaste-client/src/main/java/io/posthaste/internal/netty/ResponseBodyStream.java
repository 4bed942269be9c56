package io.posthaste.internal.netty;

import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A response body read as it arrives. The event loop offers pieces; the reader takes them. When
 * more than {@value #HIGH_WATER} bytes wait unread, the channel stops reading from the socket
 * until the reader has caught up to {@value #LOW_WATER}, so a slow reader costs a bounded amount
 * of memory and the server simply waits (TCP flow control).
 */
final class ResponseBodyStream extends InputStream {

    static final int HIGH_WATER = 1024 * 1024;
    static final int LOW_WATER = 256 * 1024;

    private final Channel channel;
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

    ResponseBodyStream(Channel channel, Exchange exchange) {
        this.channel = channel;
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
                channel.config().setAutoRead(false);
            }
            available.signalAll();
        } finally {
            lock.unlock();
        }
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
                    return -1;
                }
                available.await(1, TimeUnit.SECONDS);
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            queued -= n;
            if (paused && queued < LOW_WATER) {
                paused = false;
                channel.eventLoop().execute(() -> {
                    exchange.onReadResumed();
                    channel.config().setAutoRead(true);
                    channel.read();
                });
            }
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the response body");
        } finally {
            lock.unlock();
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
            return ended && failure == null && pieces.isEmpty()
                    && (current == null || position == current.length);
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
        boolean complete;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            complete = ended && failure == null && pieces.isEmpty()
                    && (current == null || position == current.length);
            closed = true;
            pieces.clear();
            current = null;
            available.signalAll();
        } finally {
            lock.unlock();
        }
        exchange.onStreamClosed(complete);
    }
}
