package io.posthaste.internal.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.util.ReferenceCountUtil;
import io.posthaste.internal.pool.ConnectionPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 connection and the last handler of its pipeline. It carries one exchange at a
 * time and routes every inbound event to it; with no exchange in flight, any inbound byte means
 * the server is out of step (a stray or smuggled response), so the connection is closed rather
 * than ever handing those bytes to the next request (security checklist 19 and 47). For the same
 * reason a connection released in the middle of a read is not written to before that read is
 * over ({@link #isReading()}): whatever else the read brought is decoded first, and if it was
 * more than the response, the connection is closed before anybody's request goes out on it.
 *
 * <p>All methods but {@link #isUsable()} and {@link #close()} run on the channel's event loop.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter implements ConnectionPool.Pooled {

    /** Linux's {@code TCP_ESTABLISHED}: any other state means the peer has begun to close. */
    private static final int TCP_ESTABLISHED = 1;
    /** Linux's {@code TCP_CLOSE}: after a FIN, the state a reset leaves the socket in. */
    private static final int TCP_CLOSE = 7;
    private static final long RESET_POLL_MICROS = 200;

    private final Channel channel;
    private final ResponseDecoder decoder;
    private final Origin origin;
    private final ConnectionListener listener;
    private Exchange exchange;
    private CallerLoop callerLoop;
    private int exchanges;
    private boolean reading;
    private boolean peerReset;
    private long lastExchangeEndNanos;
    private EpollTcpInfo tcpInfo;
    private volatile boolean broken;
    private long idleSince;
    private ScheduledFuture<?> watchdog;
    private long watchdogDeadline;
    private final Runnable watchdogCheck = this::onWatchdog;

    HttpConnection(Channel channel, ResponseDecoder decoder, Origin origin,
            ConnectionListener listener) {
        this.channel = channel;
        this.decoder = decoder;
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

    /** Returns whether this connection has carried an exchange before (it came from a pool). */
    boolean isReused() {
        return exchanges > 0;
    }

    ResponseDecoder decoder() {
        return decoder;
    }

    /**
     * Returns whether the channel is inside a read: a response that ended in it may be followed
     * by more bytes of the same read, which must be decoded before a request is written.
     */
    boolean isReading() {
        return reading;
    }

    /**
     * Returns whether the kernel already knows the server began to close this connection (its
     * FIN arrived but the loop has not processed it yet). Only the native transport can tell;
     * elsewhere this is false. One system call; event loop only.
     */
    boolean peerHasClosed() {
        int state = tcpState();
        return state >= 0 && state != TCP_ESTABLISHED;
    }

    /**
     * Returns whether the server reset the connection when it ended it: its kernel refused bytes
     * that arrived after its application had closed the socket, so those bytes were never read.
     * Known for the native transport only (false elsewhere); set when the server's FIN arrives.
     */
    boolean peerReset() {
        return peerReset;
    }

    /** Returns the kernel's TCP state of the socket, or -1 where the transport cannot tell. */
    private int tcpState() {
        if (!(channel instanceof EpollSocketChannel epoll) || !epoll.isOpen()) {
            return -1;
        }
        if (tcpInfo == null) {
            tcpInfo = new EpollTcpInfo();
        }
        epoll.tcpInfo(tcpInfo);
        return tcpInfo.state();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            // The server's FIN (the decoder has finished the body that ends with it). Half-closure
            // is allowed only to read the socket's state before closing it: a FIN that crossed a
            // request on the wire is followed by the reset that refused it, and an exchange that
            // could go again on that proof waits a round trip or two for it.
            Exchange current = exchange;
            long waitNanos = current != null && current.awaitsResetVerdict() ? resetWaitNanos() : 0;
            closeOnceResetKnown(ctx, System.nanoTime() + waitNanos);
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    /** Closes the connection when a reset arrived or {@code deadline} passed, noting which. */
    private void closeOnceResetKnown(ChannelHandlerContext ctx, long deadline) {
        int state = tcpState();
        if (state == TCP_CLOSE || state < 0 || System.nanoTime() >= deadline) {
            peerReset = state == TCP_CLOSE;
            ctx.close();
            return;
        }
        ctx.executor().schedule(() -> closeOnceResetKnown(ctx, deadline), RESET_POLL_MICROS,
                TimeUnit.MICROSECONDS);
    }

    /**
     * How long to wait for the reset: it is one round trip behind the FIN, so twice the smoothed
     * round-trip time, but at least 5 ms (a loaded machine delays it) and at most 50 ms.
     */
    private long resetWaitNanos() {
        long rttMicros = tcpInfo == null ? 0 : tcpInfo.rtt();
        return TimeUnit.MICROSECONDS.toNanos(Math.max(5_000, Math.min(50_000, 2 * rttMicros)));
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
            lastExchangeEndNanos = System.nanoTime();
        }
    }

    /** Returns how long ago the last exchange on this connection ended. Event loop only. */
    long nanosSinceLastExchange() {
        return System.nanoTime() - lastExchangeEndNanos;
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
        reading = true;
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
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        broken = true;
        reading = false;
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
