package io.posthaste.internal.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.posthaste.internal.pool.ConnectionPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 connection and the last handler of its pipeline. It carries one exchange at a
 * time and routes every inbound event to it; with no exchange in flight, any inbound byte means
 * the server is out of step (a stray or smuggled response), so the connection is closed rather
 * than ever handing those bytes to the next request (security checklist B19).
 *
 * <p>All methods but {@link #isUsable()} and {@link #close()} run on the channel's event loop.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter implements ConnectionPool.Pooled {

    private final Channel channel;
    private final Origin origin;
    private final ConnectionListener listener;
    private Exchange exchange;
    private CallerLoop callerLoop;
    private int exchanges;
    private volatile boolean broken;
    private long idleSince;
    private ScheduledFuture<?> watchdog;
    private long watchdogDeadline;
    private final Runnable watchdogCheck = this::onWatchdog;

    HttpConnection(Channel channel, Origin origin, ConnectionListener listener) {
        this.channel = channel;
        this.origin = origin;
        this.listener = listener;
    }

    Channel channel() {
        return channel;
    }

    EventLoop eventLoop() {
        return channel.eventLoop();
    }

    Origin origin() {
        return origin;
    }

    /** Marks this connection as one of {@code loop}'s, which a caller's thread drives. */
    void drivenBy(CallerLoop loop) {
        this.callerLoop = loop;
    }

    /** Returns the caller's loop this connection belongs to, or null for the shared pool's. */
    CallerLoop callerLoop() {
        return callerLoop;
    }

    /** Returns how many exchanges this connection has carried before the current one. */
    int previousExchanges() {
        return exchanges - 1;
    }

    ResponseDecoder decoder() {
        return (ResponseDecoder) channel.pipeline().get("decoder");
    }

    /** Binds {@code next} as the exchange in flight. Event loop only. */
    void attach(Exchange next) {
        this.exchange = next;
        exchanges++;
    }

    /** Unbinds the exchange once it is complete. Event loop only. */
    void detach(Exchange done) {
        if (exchange == done) {
            exchange = null;
        }
    }

    /** Marks the connection as not reusable (a timed-out or failed exchange). */
    void markBroken() {
        broken = true;
    }

    @Override
    public void idleSince(long nanoTime) {
        idleSince = nanoTime;
    }

    @Override
    public long idleSince() {
        return idleSince;
    }

    /**
     * Makes sure the exchange's timeouts are checked within {@code delayNanos}. One scheduled
     * check per connection serves every exchange it carries, so a busy keep-alive connection
     * schedules nothing per request. Event loop only.
     */
    void checkWithin(long delayNanos) {
        long deadline = System.nanoTime() + delayNanos;
        if (watchdog != null) {
            if (watchdogDeadline <= deadline) {
                return;
            }
            watchdog.cancel(false);
        }
        watchdogDeadline = deadline;
        watchdog = channel.eventLoop().schedule(watchdogCheck, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void onWatchdog() {
        watchdog = null;
        Exchange current = exchange;
        if (current != null) {
            current.checkIdle();
        }
    }

    @Override
    public boolean isUsable() {
        return !broken && channel.isActive();
    }

    @Override
    public void close() {
        broken = true;
        channel.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Exchange current = exchange;
        if (current == null) {
            ReferenceCountUtil.release(msg);
            broken = true;
            ctx.close();
            listener.idleConnectionLost(this);
            return;
        }
        current.onMessage(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        broken = true;
        if (watchdog != null) {
            watchdog.cancel(false);
            watchdog = null;
        }
        Exchange current = exchange;
        if (current != null) {
            current.onConnectionClosed();
        } else {
            listener.idleConnectionLost(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        broken = true;
        Exchange current = exchange;
        if (current != null) {
            current.onFailure(cause);
        }
        ctx.close();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Exchange current = exchange;
        if (current != null) {
            current.onWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public String toString() {
        return "HttpConnection[" + origin + ", " + channel.id().asShortText() + "]";
    }
}
