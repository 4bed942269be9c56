package io.posthaste.internal.connection;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * How long a new connection took to open, in nanoseconds: the host's look-up, the TCP connect
 * (every address tried) and the TLS handshake, each 0 when it did not happen. Set on the channel
 * when the connection is made and taken, once, by the first exchange on it ({@link #take}), so
 * the {@link Connection} interface carries nothing for it and a reused connection reports none.
 */
public record ConnectTimes(long dnsNanos, long connectNanos, long tlsNanos) {

    private static final AttributeKey<ConnectTimes> KEY = AttributeKey.valueOf(ConnectTimes.class, "times");

    /** Records these times on {@code ch}, for its first exchange. */
    public void attachTo(Channel ch) {
        ch.attr(KEY).set(this);
    }

    /** Returns the times recorded on {@code ch} and forgets them, or null if there are none (left). */
    public static ConnectTimes take(Channel ch) {
        return ch.hasAttr(KEY) ? ch.attr(KEY).getAndSet(null) : null;
    }
}
