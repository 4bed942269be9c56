package io.posthaste.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2EventAdapter;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the HEADERS frame that opens a stream goes out: whole in one buffer when it fits. */
class H2FrameWriterTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = channel.pipeline().firstContext();
    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    private final H2FrameWriter writer = new H2FrameWriter(encoder);

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private static H2Fields block(CharSequence... fields) {
        return H2Fields.of(fields.clone(), fields.length);
    }

    /** The frames written, read back by Netty's reader: one entry per header block. */
    private List<String> readBack(List<ByteBuf> written) throws Http2Exception {
        CompositeByteBuf all = Unpooled.compositeBuffer();
        written.forEach(buf -> all.addComponent(true, buf));
        List<String> blocks = new ArrayList<>();
        try (DefaultHttp2FrameReader reader =
                new DefaultHttp2FrameReader(new DefaultHttp2HeadersDecoder(true, 100_000))) {
            reader.readFrame(ctx, all, new Http2EventAdapter() {
                @Override
                public void onHeadersRead(
                        ChannelHandlerContext c, int streamId, Http2Headers headers, int padding, boolean end) {
                    blocks.add(streamId + " " + end + " " + headers.get(":path") + " "
                            + headers.get("x-big").length());
                }
            });
        } finally {
            all.release();
        }
        return blocks;
    }

    private List<ByteBuf> outbound() {
        List<ByteBuf> buffers = new ArrayList<>();
        for (Object message; (message = channel.readOutbound()) != null; ) {
            buffers.add((ByteBuf) message);
        }
        return buffers;
    }

    @Test
    void aBlockThatFitsGoesAsOneBufferWithItsFrameHeader() throws Exception {
        ChannelFuture written = writer.writeHeaders(
                ctx, 3, block(":method", "GET", ":path", "/a", "x-big", "12345"), 0, true, channel.newPromise());
        channel.flush();

        assertThat(written.isSuccess()).isTrue();
        List<ByteBuf> buffers = outbound();
        assertThat(buffers).hasSize(1);
        assertThat(readBack(buffers)).containsExactly("3 true /a 5");
    }

    @Test
    void aBlockLargerThanAFrameGoesAsHeadersAndContinuations() throws Exception {
        String big = "x".repeat(40_000);

        writer.writeHeaders(
                ctx, 5, block(":method", "GET", ":path", "/b", "x-big", big), 0, false, channel.newPromise());
        channel.flush();

        List<ByteBuf> buffers = outbound();
        assertThat(buffers).hasSizeGreaterThan(1);
        assertThat(readBack(buffers)).containsExactly("5 false /b 40000");
    }

    @Test
    void blocksInARowKeepHpackInStep() throws Exception {
        for (int stream = 1; stream <= 9; stream += 2) {
            writer.writeHeaders(
                    ctx,
                    stream,
                    block(":method", "GET", ":path", AsciiString.of("/" + stream), "x-big", "same"),
                    0,
                    true,
                    channel.newPromise());
        }
        channel.flush();

        assertThat(readBack(outbound()))
                .containsExactly("1 true /1 4", "3 true /3 4", "5 true /5 4", "7 true /7 4", "9 true /9 4");
    }

    @Test
    void aBlockOverThePeersListLimitFailsItsWriteAndLeavesNothingBehind() throws Exception {
        encoder.configuration().maxHeaderListSize(100);

        ChannelFuture written = writer.writeHeaders(
                ctx, 1, block(":method", "GET", ":path", "/", "x-big", "y".repeat(200)), 0, true, channel.newPromise());
        channel.flush();

        assertThat(written.cause()).isInstanceOf(Http2Exception.class);
        assertThat(outbound()).isEmpty();
    }
}
