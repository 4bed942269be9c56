package io.posthaste.internal.http1;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.posthaste.internal.connection.ConnectionListener;
import io.posthaste.internal.connection.Origin;
import io.posthaste.internal.exchange.Attempt;
import io.posthaste.internal.exchange.Carrier;
import io.posthaste.internal.exchange.Exchange;
import io.posthaste.internal.exchange.ExchangeSpec;
import io.posthaste.internal.exchange.ProtocolConnection;
import java.io.IOException;
import java.util.concurrent.Executor;
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
 * <p>It is its own {@link Carrier}: an exchange binds to the connection itself. All methods but
 * {@link #isUsable()}, {@link #close()} and {@link #encode} run on the channel's event loop.
 */
public final class Http1Connection extends ChannelInboundHandlerAdapter implements ProtocolConnection, Carrier {

    /** Linux's {@code TCP_ESTABLISHED}: any other state means the peer has begun to close. */
    private static final int TCP_ESTABLISHED = 1;
    /** Linux's {@code TCP_CLOSE}: after a FIN, the state a reset leaves the socket in. */
    private static final int TCP_CLOSE = 7;

    private static final long RESET_POLL_MICROS = 200;

    private final Channel channel;
    private final ResponseDecoder decoder;
    private final Origin origin;
    private final ConnectionListener<? super Http1Connection> listener;
    private final Executor blocking;
    private Exchange exchange;
    private BodyPump pump;
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

    private Http1Connection(
            Channel channel,
            ResponseDecoder decoder,
            Origin origin,
            ConnectionListener<? super Http1Connection> listener,
            Executor blocking) {
        this.channel = channel;
        this.decoder = decoder;
        this.origin = origin;
        this.listener = listener;
        this.blocking = blocking;
    }

    /**
     * Makes {@code channel} an HTTP/1.1 connection to {@code origin}: puts the decoder and the
     * connection in its pipeline (behind TLS, if any) and returns the connection.
     *
     * @param limits the response head limits: the decoder's bounds
     * @param listener hears when the connection is lost while idle
     * @param blocking runs request bodies that need blocking reads
     */
    public static Http1Connection install(
            Channel channel,
            Origin origin,
            HeadLimits limits,
            ConnectionListener<? super Http1Connection> listener,
            Executor blocking) {
        ResponseDecoder decoder = new ResponseDecoder(limits.maxHeaderSize(), limits.maxHeaders());
        Http1Connection connection = new Http1Connection(channel, decoder, origin, listener, blocking);
        channel.pipeline().addLast("decoder", decoder);
        channel.pipeline().addLast("connection", connection);
        return connection;
    }

    /** The bounds of a response head: its size in bytes, and how many fields it may have. */
    public record HeadLimits(int maxHeaderSize, int maxHeaders) {}

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
    public Origin origin() {
        return origin;
    }

    @Override
    public Carrier carrier() {
        return this;
    }

    @Override
    public boolean isReused() {
        return exchanges > 0;
    }

    @Override
    public boolean isReading() {
        return reading;
    }

    @Override
    public boolean peerClosedAfterRest(long restNanos) {
        return System.nanoTime() - lastExchangeEndNanos >= restNanos && peerHasClosed();
    }

    @Override
    public boolean refusedUnread() {
        return decoder.received() == 0 && peerReset;
    }

    @Override
    public long receivedBytes() {
        return decoder.received();
    }

    @Override
    public long interimBytes() {
        return decoder.interimBytes();
    }

    @Override
    public long lastReadNanos() {
        return decoder.lastReadNanos();
    }

    @Override
    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void pauseReading() {
        channel.config().setAutoRead(false);
    }

    @Override
    public void resumeReading() {
        channel.config().setAutoRead(true);
        channel.read();
    }

    @Override
    public Encoded encode(ExchangeSpec spec) throws IOException {
        return RequestEncoder.encode(spec, channel.alloc(), origin.plainChannel(), origin.forwardingProxy());
    }

    @Override
    public void write(Encoded request, Attempt attempt) {
        RequestWriter.write(channel, (Http1Request) request, attempt);
    }

    @Override
    public void sendBody(ExchangeSpec spec, Attempt attempt) {
        pump = RequestWriter.sendBody(channel, spec, attempt, blocking);
    }

    /**
     * Returns whether the kernel already knows the server began to close this connection (its
     * FIN arrived but the loop has not processed it yet). Only the native transport can tell;
     * elsewhere this is false. One system call; event loop only.
     */
    private boolean peerHasClosed() {
        int state = tcpState();
        return state >= 0 && state != TCP_ESTABLISHED;
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
        ctx.executor().schedule(() -> closeOnceResetKnown(ctx, deadline), RESET_POLL_MICROS, TimeUnit.MICROSECONDS);
    }

    /**
     * How long to wait for the reset: it is one round trip behind the FIN, so twice the smoothed
     * round-trip time, but at least 5 ms (a loaded machine delays it) and at most 50 ms.
     */
    private long resetWaitNanos() {
        long rttMicros = tcpInfo == null ? 0 : tcpInfo.rtt();
        return TimeUnit.MICROSECONDS.toNanos(Math.max(5_000, Math.min(50_000, 2 * rttMicros)));
    }

    @Override
    public void bind(Exchange next, ExchangeSpec spec) {
        exchange = next;
        exchanges++;
        decoder.expectResponse(spec.isHead());
    }

    @Override
    public void unbind(Exchange done) {
        if (exchange == done) {
            exchange = null;
            lastExchangeEndNanos = System.nanoTime();
            BodyPump current = pump;
            pump = null;
            if (current != null) {
                // A pump waiting for the channel wakes up, finds the exchange over and stops.
                current.signal();
            }
        }
    }

    @Override
    public void markBroken() {
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
    @Override
    public void checkWithin(long delayNanos) {
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
        BodyPump current = pump;
        if (current != null) {
            current.onChannelWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public String toString() {
        return "Http1Connection[" + origin + ", " + channel.id().asShortText() + "]";
    }
}
