package io.posthaste.testing.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2FrameWriter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AsciiString;
import io.posthaste.testing.Http2Fault;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes the frames of an {@link Http2Fault}: the protocol-breaking ones with Netty's frame writer,
 * bypassing the encoder that would refuse to break the protocol, the rest (the scripted answer
 * before stray frames, the HPACK bomb) with the encoder, so that its stream states and HPACK table
 * stay in step with the client's. A flood goes out in batches, each written once the one before
 * is on the wire, so the server holds one batch however slow the client, and stops at
 * {@link Http2Fault#FLOOD_FRAMES} or when the connection closes. Runs on the connection's event loop.
 */
final class H2Faults {

    /** Frames per write-and-wait: enough to keep a loopback socket busy, few enough to hold lightly. */
    static final int BATCH = 256;

    /** The header block's start: {@code :status: 200}, indexed (RFC 7541 static table entry 8). */
    private static final byte[] STATUS_200 = {(byte) 0x88};

    /**
     * One literal field without indexing, {@code x-flood: aaaaaaaaaaaaaaaa} (RFC 7541 section
     * 6.2.2): every CONTINUATION adds one, so the header list grows with every frame.
     */
    private static final byte[] FLOOD_FIELD = field("x-flood", "aaaaaaaaaaaaaaaa");

    /** The body of an answer nobody asked for. */
    private static final byte[] STRAY = "stray".getBytes(StandardCharsets.US_ASCII);

    private static final AsciiString BOMB_NAME = AsciiString.cached("x-bomb");

    /** The payload of every PING of a flood: "floodpng". */
    private static final long PING_PAYLOAD = 0x666c6f6f64706e67L;

    private H2Faults() {}

    /** Starts the fault of {@code spec} on {@code streamId} of {@code connection}. */
    static void start(H2Connection connection, int streamId, ResponseSpec spec) {
        ChannelHandlerContext ctx = connection.context();
        Http2FrameWriter writer = connection.encoder().frameWriter();
        switch (spec.http2Fault()) {
            case WINDOW_OVERFLOW -> {
                writer.writeWindowUpdate(ctx, 0, Integer.MAX_VALUE, ctx.newPromise());
                ctx.flush();
            }
            case SETTINGS_FLOOD ->
                flood(
                        ctx,
                        Http2Fault.FLOOD_FRAMES,
                        () -> writer.writeSettings(ctx, new Http2Settings(), ctx.newPromise()));
            case PING_FLOOD ->
                flood(ctx, Http2Fault.FLOOD_FRAMES, () -> writer.writePing(ctx, false, PING_PAYLOAD, ctx.newPromise()));
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
            case EMPTY_DATA_FLOOD -> {
                writeStatus200(writer, ctx, streamId, false);
                flood(
                        ctx,
                        Http2Fault.FLOOD_FRAMES,
                        () -> writer.writeData(ctx, streamId, Unpooled.EMPTY_BUFFER, 0, false, ctx.newPromise()));
            }
            case HPACK_BOMB -> {
                Http2Headers bomb = new DefaultHttp2Headers(false).status("200");
                AsciiString value = new AsciiString("b".repeat(Http2Fault.HPACK_BOMB_VALUE_BYTES));
                for (int i = 0; i < Http2Fault.HPACK_BOMB_REFERENCES; i++) {
                    bomb.add(BOMB_NAME, value);
                }
                // The encoder indexes the field the first time and refers to the entry after that.
                connection.encoder().writeHeaders(ctx, streamId, bomb, 0, true, ctx.newPromise());
                connection.flush(ctx);
            }
            case FRAMES_AFTER_END_STREAM -> {
                if (answer(connection, streamId, spec)) {
                    writer.writeData(ctx, streamId, Unpooled.wrappedBuffer(STRAY), 0, false, ctx.newPromise());
                    writeStatus200(writer, ctx, streamId, true);
                    ctx.flush();
                }
            }
            case ANSWER_ON_THE_NEXT_STREAM -> {
                if (answer(connection, streamId, spec)) {
                    int next = streamId + 2;
                    writeStatus200(writer, ctx, next, false);
                    writer.writeData(ctx, next, Unpooled.wrappedBuffer(STRAY), 0, true, ctx.newPromise());
                    ctx.flush();
                }
            }
            default -> throw new AssertionError(spec.http2Fault());
        }
    }

    /**
     * Writes {@code spec}'s status, headers and body (one DATA frame, no content coding) on
     * {@code streamId}, ending the stream, through the encoder and out of its flow controller, but
     * does not flush: what the caller writes next goes out in the same write, after the answer.
     * Returns false, having closed the connection, if the encoder refused.
     */
    private static boolean answer(H2Connection connection, int streamId, ResponseSpec spec) {
        ChannelHandlerContext ctx = connection.context();
        Http2ConnectionEncoder encoder = connection.encoder();
        Http2Headers fields = new DefaultHttp2Headers(false).status(Integer.toString(spec.status()));
        for (Map.Entry<String, String> h : spec.headers()) {
            fields.add(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
        }
        byte[] body = spec.body();
        fields.setInt("content-length", body.length);
        encoder.writeHeaders(ctx, streamId, fields, 0, body.length == 0, ctx.newPromise());
        if (body.length > 0) {
            encoder.writeData(ctx, streamId, Unpooled.wrappedBuffer(body), 0, true, ctx.newPromise());
        }
        try {
            // DATA waits in the flow controller until a flush; stray frames must come after it.
            encoder.flowController().writePendingBytes();
            return true;
        } catch (Http2Exception e) {
            ctx.close();
            return false;
        }
    }

    /** Writes HEADERS with {@code :status: 200} from HPACK's static table: no table changes. */
    private static void writeStatus200(
            Http2FrameWriter writer, ChannelHandlerContext ctx, int streamId, boolean endStream) {
        writer.writeFrame(
                ctx,
                Http2FrameTypes.HEADERS,
                streamId,
                new Http2Flags().endOfHeaders(true).endOfStream(endStream),
                Unpooled.wrappedBuffer(STATUS_200),
                ctx.newPromise());
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
