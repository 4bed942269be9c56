package io.posthaste.internal.http2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;

/**
 * Netty's frame writer, but for the HEADERS frame that opens a stream: when its block surely fits
 * in one frame, it is encoded into one buffer right behind the frame header and written once.
 * Netty's own writes the frame header and the block as two buffers and two writes, joined by a
 * promise aggregator: three objects and a slice more for every request. Blocks that might not
 * fit (they take CONTINUATION frames), padded frames and anything but our own {@link H2Fields}
 * go Netty's way. Event loop.
 */
final class H2FrameWriter extends DefaultHttp2FrameWriter {

    /** Room for a dynamic table size update HPACK may put before the first field. */
    private static final int TABLE_UPDATE_BOUND = 16;

    private final Http2HeadersEncoder headersEncoder;

    H2FrameWriter(Http2HeadersEncoder headersEncoder) {
        super(headersEncoder);
        this.headersEncoder = headersEncoder;
    }

    @Override
    public ChannelFuture writeHeaders(
            ChannelHandlerContext ctx,
            int streamId,
            Http2Headers headers,
            int padding,
            boolean endStream,
            ChannelPromise promise) {
        int bound = headers instanceof H2Fields fields && padding == 0 && streamId > 0
                ? fields.encodedBound() + TABLE_UPDATE_BOUND
                : Integer.MAX_VALUE;
        if (bound > maxFrameSize()) {
            return super.writeHeaders(ctx, streamId, headers, padding, endStream, promise);
        }
        ByteBuf frame = ctx.alloc().buffer(Http2CodecUtil.FRAME_HEADER_LENGTH + bound);
        try {
            frame.writerIndex(Http2CodecUtil.FRAME_HEADER_LENGTH);
            headersEncoder.encodeHeaders(streamId, headers, frame);
        } catch (Http2Exception e) {
            frame.release();
            return promise.setFailure(e);
        } catch (RuntimeException | Error e) {
            frame.release();
            promise.tryFailure(e);
            throw e;
        }
        int flags = Http2Flags.END_HEADERS | (endStream ? Http2Flags.END_STREAM : 0);
        frame.setMedium(0, frame.readableBytes() - Http2CodecUtil.FRAME_HEADER_LENGTH);
        frame.setByte(3, Http2FrameTypes.HEADERS);
        frame.setByte(4, flags);
        frame.setInt(5, streamId);
        return ctx.write(frame, promise);
    }
}
