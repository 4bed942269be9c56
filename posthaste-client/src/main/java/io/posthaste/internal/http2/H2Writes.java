package io.posthaste.internal.http2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.posthaste.internal.exchange.Attempt;

/**
 * The frames an {@link Http2Connection} writes: a stream's HEADERS and DATA (reporting each
 * write to the exchange's {@link Attempt}), RST_STREAM and PING. RST_STREAM and PING are flushed
 * at once; HEADERS and DATA by one flush queued behind the loop's pending tasks, so that the
 * streams many callers open in one turn of the loop leave in one write (and, over TLS, in few
 * records) rather than one system call each. The flush never waits for a read or a timer: it
 * runs in the same turn. Event loop of the channel.
 */
final class H2Writes {

    private final H2Handler handler;
    private final ChannelHandlerContext ctx;
    private final H2Frames frames;
    private final Runnable flush = this::flushNow;
    /** Whether {@link #flush} is queued on the loop and has not run yet. */
    private boolean flushQueued;

    H2Writes(H2Handler handler, ChannelHandlerContext ctx, H2Frames frames) {
        this.handler = handler;
        this.ctx = ctx;
        this.frames = frames;
    }

    /** Queues one flush behind the tasks already on the loop, unless one is queued. */
    private void flushSoon() {
        if (!flushQueued) {
            flushQueued = true;
            ctx.executor().execute(flush);
        }
    }

    private void flushNow() {
        flushQueued = false;
        handler.flush(ctx);
    }

    /**
     * Opens a stream for {@code carrier}: HEADERS ({@code endWithHeaders}: with END_STREAM), then
     * the in-memory {@code data} if any ({@code lastData}: with END_STREAM), one flush. Reports
     * the writes to {@code attempt}. Returns the error if the stream could not be created (it was
     * then never sent), else null.
     */
    Http2Exception open(
            H2Stream carrier,
            Http2Headers headers,
            boolean endWithHeaders,
            ByteBuf data,
            boolean lastData,
            Attempt attempt) {
        int id = handler.connection().local().incrementAndGetNextStreamId();
        ChannelPromise headersWritten = ctx.newPromise();
        handler.encoder().writeHeaders(ctx, id, headers, 0, endWithHeaders, headersWritten);
        Http2Stream stream = id > 0 ? handler.connection().stream(id) : null;
        if (stream == null) {
            if (data != null) {
                data.release();
            }
            Throwable cause = headersWritten.cause();
            return cause instanceof Http2Exception e
                    ? e
                    : new Http2Exception(
                            Http2Error.REFUSED_STREAM,
                            "no stream could be opened" + (cause == null ? "" : ": " + cause.getMessage()),
                            cause);
        }
        frames.attach(stream, carrier);
        carrier.opened(stream);
        boolean whole = data == null && endWithHeaders;
        headersWritten.addListener(f -> {
            if (f.isSuccess()) {
                attempt.onBytesMayHaveLeft();
            }
            if (whole || !f.isSuccess()) {
                attempt.onWritten(f.cause());
            }
        });
        if (data != null) {
            writeData(carrier, stream, data, lastData, attempt);
        }
        flushSoon();
        return null;
    }

    /** Queues {@code data} on {@code stream} behind its flow control and flushes what may go. */
    void writeData(H2Stream carrier, Http2Stream stream, ByteBuf data, boolean last, Attempt attempt) {
        int bytes = data.readableBytes();
        ChannelFuture written = handler.encoder().writeData(ctx, stream.id(), data, 0, last, ctx.newPromise());
        written.addListener(f -> {
            if (f.isSuccess()) {
                attempt.onActivity();
                if (bytes > 0) {
                    attempt.onBodyBytesWritten(bytes);
                }
            }
            if (last || !f.isSuccess()) {
                attempt.onWritten(f.cause());
            }
        });
        flushSoon();
    }

    /** Resets {@code stream} with {@code error}. */
    void reset(Http2Stream stream, Http2Error error) {
        handler.resetStream(ctx, stream.id(), error.code(), ctx.newPromise());
        handler.flush(ctx);
    }

    /** Writes a PING carrying {@code payload}. */
    void writePing(long payload) {
        handler.encoder().writePing(ctx, false, payload, ctx.newPromise());
        handler.flush(ctx);
    }
}
