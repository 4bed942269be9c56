package io.posthaste.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2LifecycleManager;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bound on control frames owed to a peer that does not read them (CVE-2019-9512,
 * CVE-2019-9514, CVE-2019-9515), with a socket that takes nothing: writes stay unfinished.
 */
class H2ControlFrameLimitTest {

    private static final int LIMIT = 5;

    /** Holds every write unfinished, as a socket whose peer never reads. */
    private final List<ChannelPromise> held = new ArrayList<>();

    private final EmbeddedChannel channel = new EmbeddedChannel(
            new ChannelOutboundHandlerAdapter() {
                @Override
                public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                    ReferenceCountUtil.release(msg);
                    held.add(promise);
                }
            },
            new ChannelInboundHandlerAdapter());

    /** The writer's context, behind the socket that holds every write. */
    private final ChannelHandlerContext ctx = channel.pipeline().lastContext();

    private final List<Throwable> errors = new ArrayList<>();
    private final H2ControlFrameLimit limit = new H2ControlFrameLimit(
            new DefaultHttp2ConnectionEncoder(new DefaultHttp2Connection(false), new DefaultHttp2FrameWriter()), LIMIT);

    H2ControlFrameLimitTest() {
        limit.lifecycleManager(new Http2LifecycleManager() {
            @Override
            public void closeStreamLocal(Http2Stream stream, ChannelFuture future) {}

            @Override
            public void closeStreamRemote(Http2Stream stream, ChannelFuture future) {}

            @Override
            public void closeStream(Http2Stream stream, ChannelFuture future) {}

            @Override
            public ChannelFuture resetStream(ChannelHandlerContext c, int streamId, long errorCode, ChannelPromise p) {
                return p;
            }

            @Override
            public ChannelFuture goAway(
                    ChannelHandlerContext c, int lastStreamId, long errorCode, ByteBuf debugData, ChannelPromise p) {
                debugData.release();
                return p;
            }

            @Override
            public void onError(ChannelHandlerContext c, boolean outbound, Throwable cause) {
                errors.add(cause);
            }
        });
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void acknowledgementsUpToTheLimitWaitAndTheNextOneEndsTheConnection() {
        for (int i = 0; i < LIMIT; i++) {
            limit.writePing(ctx, true, i, channel.newPromise());
        }
        assertThat(errors).isEmpty();
        assertThat(channel.isOpen()).isTrue();

        ChannelFuture over = limit.writeSettingsAck(ctx, channel.newPromise());

        assertThat(over.isSuccess()).isFalse();
        assertThat(errors)
                .singleElement()
                .satisfies(e -> assertThat(((Http2Exception) e).error()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void framesThePeerTookNoLongerCount() {
        for (int round = 0; round < 3 * LIMIT; round++) {
            limit.writePing(ctx, true, round, channel.newPromise());
            held.forEach(ChannelPromise::setSuccess); // The socket took it.
            held.clear();
        }
        assertThat(errors).isEmpty();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void ourOwnPingsAreNotCounted() {
        for (int i = 0; i < 3 * LIMIT; i++) {
            limit.writePing(ctx, false, i, channel.newPromise());
        }
        assertThat(errors).isEmpty();
    }
}
