package io.posthaste.internal.websocket;

import io.posthaste.WebSocket;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The messages a WebSocket received and nobody has taken yet, and the receivers waiting for one,
 * first come first served. The event loop offers; any thread takes. Holding more than
 * {@code highWater} bytes asks the loop to stop reading; taking it back under half of that resumes
 * reading, so that a slow receiver slows the server down instead of filling memory. The close
 * message is the last: every receiver after it gets it again. One lock, never held while completing
 * a future (a lock, not {@code synchronized}: a virtual thread may wait here).
 */
final class Inbox {

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<WebSocket.Message> messages = new ArrayDeque<>();
    private final ArrayDeque<Receipt> waiting = new ArrayDeque<>();
    private final Executor executor;
    private final long highWater;
    private final Runnable resumeReading;
    private long queuedBytes;
    private boolean paused;
    private WebSocket.Message close;

    /**
     * Creates an inbox that completes asynchronous receivers on {@code executor} and calls
     * {@code resumeReading} (from a receiving thread) once a paused loop may read again.
     */
    Inbox(Executor executor, long highWater, Runnable resumeReading) {
        this.executor = executor;
        this.highWater = highWater;
        this.resumeReading = resumeReading;
    }

    /**
     * Hands {@code message} to the first receiver waiting, or keeps it. Event loop. Returns
     * whether the loop should stop reading until {@code resumeReading} runs.
     */
    boolean offer(WebSocket.Message message) {
        Receipt[] takers;
        lock.lock();
        try {
            if (close != null) {
                return false;
            }
            if (message.isClose()) {
                close = message;
            }
            if (waiting.isEmpty()) {
                messages.add(message);
                queuedBytes += weight(message);
                if (!paused && queuedBytes > highWater) {
                    paused = true;
                    return true;
                }
                return false;
            }
            // Receivers wait only while nothing is kept. The close goes to all of them: none may
            // wait for a message that cannot come.
            takers = message.isClose() ? waiting.toArray(Receipt[]::new) : new Receipt[] {waiting.poll()};
            if (message.isClose()) {
                waiting.clear();
            }
            for (Receipt taker : takers) {
                taker.assigned = true;
            }
        } finally {
            lock.unlock();
        }
        for (Receipt taker : takers) {
            taker.deliver(message);
        }
        return false;
    }

    /**
     * Returns the next message: at once if one is kept, else a future completed when it arrives
     * (for an {@code async} receiver on the executor, else on the event loop). Any thread.
     */
    CompletableFuture<WebSocket.Message> next(boolean async) {
        WebSocket.Message message;
        boolean resume = false;
        lock.lock();
        try {
            message = messages.poll();
            if (message == null) {
                if (close != null) {
                    return CompletableFuture.completedFuture(close);
                }
                Receipt receipt = new Receipt(async);
                waiting.add(receipt);
                return receipt;
            }
            queuedBytes -= weight(message);
            if (paused && queuedBytes <= highWater / 2) {
                paused = false;
                resume = true;
            }
        } finally {
            lock.unlock();
        }
        if (resume) {
            resumeReading.run();
        }
        return CompletableFuture.completedFuture(message);
    }

    /** What a kept message costs, near enough: its bytes, or its text's UTF-16 units. */
    private static long weight(WebSocket.Message message) {
        return message.isBinary()
                ? message.buffer().remaining()
                : message.isText() ? message.text().length() : 0;
    }

    /** Returns how many bytes of messages are kept. */
    long queuedBytes() {
        lock.lock();
        try {
            return queuedBytes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A receiver's future. Cancelling it gives its place up, unless a message was already handed
     * to it: then the cancel fails and the message is still delivered, never lost.
     */
    private final class Receipt extends CompletableFuture<WebSocket.Message> {
        private final boolean async;
        /** Guarded by the inbox's lock. */
        private boolean assigned;

        Receipt(boolean async) {
            this.async = async;
        }

        void deliver(WebSocket.Message message) {
            if (!async) {
                complete(message);
                return;
            }
            try {
                executor.execute(() -> complete(message));
            } catch (RejectedExecutionException e) {
                complete(message);
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            lock.lock();
            try {
                if (assigned) {
                    return false;
                }
                waiting.remove(this);
                assigned = true;
            } finally {
                lock.unlock();
            }
            return super.cancel(mayInterruptIfRunning);
        }
    }
}
