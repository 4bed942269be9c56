package io.posthaste.internal.exchange;

import io.netty.channel.EventLoop;
import java.io.IOException;

/**
 * What carries one {@link Exchange} over the network, as a protocol implements it: for HTTP/1.1
 * the connection itself, one exchange at a time; for a multiplexed protocol, one stream. The
 * exchange drives it; the carrier reports the request's writes to the exchange's
 * {@link Attempt}, and what arrives to the {@link Exchange} ({@code onMessage} with a
 * {@link ResponseHead}, body {@code ByteBuf}s and {@link BodyEnd}; {@code onConnectionClosed};
 * {@code onFailure}; {@code checkIdle} when asked to {@linkplain #checkWithin check}).
 *
 * <p>Threading: {@link #encode} runs on any thread (it may be costly: JSON); everything else on
 * {@link #eventLoop()}.
 */
public interface Carrier {

    /** Returns the loop every state change of an exchange on this carrier happens on. */
    EventLoop eventLoop();

    /** Returns whether the carrier can take an exchange (open, not broken). Any thread. */
    boolean isUsable();

    /** Returns whether the carrier is still open (it may be broken, and still deliver an answer). */
    boolean isOpen();

    /** Stops taking the body in: a streamed body's reader is behind. */
    void pauseReading();

    /** Takes the body in again: the reader caught up. */
    void resumeReading();

    /** Returns whether the connection carried exchanges before this one. */
    boolean isReused();

    /**
     * Returns whether the carrier is inside a read whose remaining bytes must be decoded before
     * a request is written: a response that ended in it may be followed by more bytes.
     */
    boolean isReading();

    /**
     * Returns whether the connection has rested at least {@code restNanos} since its last
     * exchange and the peer has begun to close it meanwhile (as far as the kernel can tell).
     */
    boolean peerClosedAfterRest(long restNanos);

    /**
     * Returns whether the peer provably never read the request: no answer came, and the peer
     * closed with the reset its kernel sends for unread bytes.
     */
    boolean refusedUnread();

    /**
     * Returns whether the peer said it never processed the request, so that it may go again
     * whatever its method (HTTP/2: RST_STREAM(REFUSED_STREAM) before any answer, or a stream
     * above the last one a GOAWAY says was processed). HTTP/1.1 has no such signal: false.
     */
    default boolean unprocessed() {
        return false;
    }

    /** Returns how many bytes of answers arrived for the bound exchange. */
    long receivedBytes();

    /** Returns how many bytes of interim (1xx) heads arrived for the bound exchange. */
    long interimBytes();

    /** Returns when bytes last arrived ({@code System.nanoTime()}). */
    long lastReadNanos();

    /** Makes sure the bound exchange's {@code checkIdle} runs within {@code delayNanos}. */
    void checkWithin(long delayNanos);

    /** Marks the carrier as not reusable (a timed-out or failed exchange). */
    void markBroken();

    /** Binds {@code exchange}: from now on what arrives goes to it. */
    void bind(Exchange exchange, ExchangeSpec spec);

    /** Unbinds {@code exchange}, if bound, once it is over. */
    void unbind(Exchange exchange);

    /** Encodes the request of {@code spec} for this carrier. Any thread. */
    Encoded encode(ExchangeSpec spec) throws IOException;

    /**
     * Writes an encoded request. The head and any body encoded with it go now; a body that
     * {@linkplain Encoded#bodyFollows() follows} goes when {@link #sendBody} is called.
     */
    void write(Encoded request, Attempt attempt);

    /**
     * Sends the body of {@code spec} on a blocking thread, after the head; reports to
     * {@code attempt}. Returns at once.
     */
    void sendBody(ExchangeSpec spec, Attempt attempt);

    /** A request encoded for a carrier, not written yet. */
    interface Encoded {

        /** Returns whether the body is sent after the head, by {@link Carrier#sendBody}. */
        boolean bodyFollows();

        /** Frees the encoded request, which will not be written. Any thread; idempotent. */
        void discard();
    }
}
