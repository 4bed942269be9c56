package io.posthaste.testing.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2FrameWriter;
import io.netty.handler.codec.http2.Http2Settings;
import io.posthaste.testing.Http2Fault;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Writes the frames of an {@link Http2Fault} with Netty's frame writer, bypassing the encoder that
 * would refuse to break the protocol. A flood goes out in batches, each written once the one before
 * is on the wire, so the server holds one batch however slow the client, and stops at
 * {@link Http2Fault#FLOOD_FRAMES} or when the connection closes. Runs on the connection's event loop.
 */
final class H2Floods {

    /** Frames per write-and-wait: enough to keep a loopback socket busy, few enough to hold lightly. */
    static final int BATCH = 256;

    /** The header block's start: {@code :status: 200}, indexed (RFC 7541 static table entry 8). */
    private static final byte[] STATUS_200 = {(byte) 0x88};

    /**
     * One literal field without indexing, {@code x-flood: aaaaaaaaaaaaaaaa} (RFC 7541 section
     * 6.2.2): every CONTINUATION adds one, so the header list grows with every frame.
     */
    private static final byte[] FLOOD_FIELD = field("x-flood", "aaaaaaaaaaaaaaaa");

    private H2Floods() {}

    /** Starts {@code fault} on {@code streamId} of {@code connection}. */
    static void start(H2Connection connection, int streamId, Http2Fault fault) {
        ChannelHandlerContext ctx = connection.context();
        Http2FrameWriter writer = connection.encoder().frameWriter();
        switch (fault) {
            case WINDOW_OVERFLOW -> {
                writer.writeWindowUpdate(ctx, 0, Integer.MAX_VALUE, ctx.newPromise());
                ctx.flush();
            }
            case SETTINGS_FLOOD ->
                flood(
                        ctx,
                        Http2Fault.FLOOD_FRAMES,
                        () -> writer.writeSettings(ctx, new Http2Settings(), ctx.newPromise()));
            case CONTINUATION_FLOOD -> {
                writer.writeFrame(
                        ctx,
                        Http2FrameTypes.HEADERS,
                        streamId,
                        new Http2Flags(),
                        Unpooled.wrappedBuffer(STATUS_200),
                        ctx.newPromise());
                flood(
                        ctx,
                        Http2Fault.FLOOD_FRAMES,
                        () -> writer.writeFrame(
                                ctx,
                                Http2FrameTypes.CONTINUATION,
                                streamId,
                                new Http2Flags(),
                                Unpooled.wrappedBuffer(FLOOD_FIELD),
                                ctx.newPromise()));
            }
            default -> throw new AssertionError(fault);
        }
    }

    private static void flood(ChannelHandlerContext ctx, int remaining, Supplier<ChannelFuture> frame) {
        if (!ctx.channel().isActive()) {
            return;
        }
        int batch = Math.min(BATCH, remaining);
        ChannelFuture last = null;
        for (int i = 0; i < batch; i++) {
            last = frame.get();
        }
        ctx.flush();
        if (remaining > batch) {
            last.addListener(f -> {
                if (f.isSuccess()) {
                    flood(ctx, remaining - batch, frame);
                }
            });
        }
    }

    private static byte[] field(String name, String value) {
        ByteBuf out = Unpooled.buffer();
        out.writeByte(0x00).writeByte(name.length()).writeCharSequence(name, StandardCharsets.US_ASCII);
        out.writeByte(value.length()).writeCharSequence(value, StandardCharsets.US_ASCII);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes).release();
        return bytes;
    }
}
