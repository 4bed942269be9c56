package io.posthaste.internal.http2;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DecoratingHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2LifecycleManager;

/**
 * Bounds the control frames we owe the peer and have not written yet: SETTINGS and PING
 * acknowledgements and stream resets (CVE-2019-9512, CVE-2019-9514, CVE-2019-9515). A peer that
 * sends such frames and never reads our answers would make them pile up in the outbound buffer
 * without end; past the limit the connection ends with ENHANCE_YOUR_CALM. Netty's builder puts
 * the same guard in front of the encoder it builds; we build our own (H2Handler), so we put ours.
 * Event loop.
 */
final class H2ControlFrameLimit extends DecoratingHttp2ConnectionEncoder {

    private final int limit;
    private int outstanding;
    private final ChannelFutureListener written = future -> outstanding--;
    private Http2LifecycleManager lifecycle;
    private boolean exceeded;

    H2ControlFrameLimit(Http2ConnectionEncoder delegate, int limit) {
        super(delegate);
        this.limit = limit;
    }

    @Override
    public void lifecycleManager(Http2LifecycleManager manager) {
        this.lifecycle = manager;
        super.lifecycleManager(manager);
    }

    @Override
    public ChannelFuture writeSettingsAck(ChannelHandlerContext ctx, ChannelPromise promise) {
        return admit(ctx, promise) ? super.writeSettingsAck(ctx, counted(promise)) : promise;
    }

    @Override
    public ChannelFuture writePing(ChannelHandlerContext ctx, boolean ack, long data, ChannelPromise promise) {
        if (!ack) {
            return super.writePing(ctx, false, data, promise); // Ours: the watchdog sends one at a time.
        }
        return admit(ctx, promise) ? super.writePing(ctx, true, data, counted(promise)) : promise;
    }

    @Override
    public ChannelFuture writeRstStream(
            ChannelHandlerContext ctx, int streamId, long errorCode, ChannelPromise promise) {
        return admit(ctx, promise) ? super.writeRstStream(ctx, streamId, errorCode, counted(promise)) : promise;
    }

    /** Whether one more control frame may be queued; at the limit it first tries a flush. */
    private boolean admit(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (exceeded) {
            promise.tryFailure(new IllegalStateException("too many control frames unwritten"));
            return false;
        }
        if (outstanding >= limit) {
            ctx.flush(); // What the socket takes now is no longer owed.
        }
        if (outstanding >= limit) {
            exceeded = true;
            promise.tryFailure(new IllegalStateException("too many control frames unwritten"));
            lifecycle.onError(
                    ctx,
                    true,
                    Http2Exception.connectionError(
                            Http2Error.ENHANCE_YOUR_CALM,
                            "the server left %d of our control frames unread (a flood of frames that need an answer)",
                            limit));
            ctx.close();
            return false;
        }
        return true;
    }

    private ChannelPromise counted(ChannelPromise promise) {
        outstanding++;
        return promise.unvoid().addListener(written);
    }
}
