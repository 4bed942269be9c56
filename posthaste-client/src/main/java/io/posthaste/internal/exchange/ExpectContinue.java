package io.posthaste.internal.exchange;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A request body held back for {@code 100 Continue}: it goes when the 100 comes, or after
 * {@value #WAIT_MILLIS} ms without an answer (as curl does); a final answer that comes first
 * drops it. Event loop of the exchange's carrier.
 */
final class ExpectContinue {

    /** How long a body waits for {@code 100 Continue} before it is sent anyway. */
    static final long WAIT_MILLIS = 1000;

    private Runnable send;
    private ScheduledFuture<?> timer;

    /** Holds {@code send} until {@link #release()}, or until the wait on {@code loop} is over. */
    void hold(EventLoop loop, Runnable send) {
        this.send = send;
        this.timer = loop.schedule(this::release, WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Returns whether a body is held. */
    boolean isHolding() {
        return send != null;
    }

    /** Sends the held body now, if one is held: the 100 came, or the wait is over. */
    void release() {
        Runnable held = send;
        drop();
        if (held != null) {
            held.run();
        }
    }

    /** Drops the held body and its timer: it will never be sent. Idempotent. */
    void drop() {
        send = null;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
