package io.posthaste.internal.http2;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Ticker;
import io.posthaste.internal.session.ReadPacing;
import java.util.concurrent.TimeUnit;

/**
 * Paces the reads of one busy HTTP/2 connection: after a small read while many streams await
 * their answers and frames keep coming, the connection stops reading for a moment, so that the
 * next read takes at once what the server wrote meanwhile. {@link ReadPacing} says when, and for
 * how long (by default 50 µs, with at least 32 streams waiting).
 *
 * <p>Why: a server answers a burst of requests a frame or two at a time (nginx writes each
 * answer's HEADERS and DATA as two segments), and a client with nothing else to read wakes for
 * every few of them: a context switch, an {@code epoll_wait}, a {@code recv} and, since Linux
 * acknowledges at once a drained socket of small segments, an ACK sent and received on the
 * client's core. At 64 streams against nginx that was most of the client's CPU; after a hold a
 * read takes about ten answers instead of two. The streams still waiting keep the server busy,
 * so the hold costs no throughput, and it adds at most its length to answers that waited far
 * longer in the server's queue.
 *
 * <p>It never holds where that could cost more than it saves: with few streams waiting (a few
 * requests' latency is worth more than the CPU, and a hold could leave the server idle), when
 * frames come too seldom for a hold to gather more of them, and after a large read (a body is
 * flowing, and reads are large already). Flow control and the timeouts are untouched: a hold is
 * far shorter than any of them.
 *
 * <p>Threading: event loop of the channel, whose {@link Ticker} tells the time.
 */
final class H2ReadPacing {

    private final Channel channel;
    private final ReadPacing policy;
    private final Ticker ticker;
    private final Runnable resume = this::resume;
    private int bytesRead;
    private long readStarted;
    private long lastReadEnded = Long.MIN_VALUE;
    private boolean holding;

    H2ReadPacing(Channel channel, ReadPacing policy) {
        this.channel = channel;
        this.policy = policy;
        this.ticker = channel.eventLoop().ticker();
    }

    /** {@code bytes} arrived in the read in progress. */
    void onRead(int bytes) {
        if (bytesRead == 0) {
            readStarted = ticker.nanoTime();
        }
        bytesRead += bytes;
    }

    /**
     * The read is over, with {@code streamsAwaiting} streams open for an answer: holds the next
     * read if this one was a small one in a trickle of them on a busy connection.
     */
    void onReadComplete(int streamsAwaiting) {
        int bytes = bytesRead;
        if (bytes == 0) {
            return; // Nothing came (the read found the peer's FIN, or the socket empty).
        }
        bytesRead = 0;
        long previousEnded = lastReadEnded;
        lastReadEnded = ticker.nanoTime();
        boolean trickle = bytes < policy.smallRead()
                && previousEnded != Long.MIN_VALUE
                && readStarted - previousEnded < policy.busyGapNanos();
        if (holding || !trickle || streamsAwaiting < policy.minStreams() || !channel.isActive()) {
            return;
        }
        holding = true;
        channel.config().setAutoRead(false);
        channel.eventLoop().schedule(resume, policy.holdNanos(), TimeUnit.NANOSECONDS);
    }

    /** Whether reading is held now. */
    boolean isHolding() {
        return holding;
    }

    private void resume() {
        holding = false;
        channel.config().setAutoRead(true);
    }
}
