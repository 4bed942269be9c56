package io.posthaste.testing.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.posthaste.testing.Http2Options;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP/2 connection, on Netty's codec: frames, HPACK, flow control and stream states are
 * Netty's; what the server makes of each request is {@link H2Streams}'. Adds what a test server
 * needs beyond the codec: the advertised SETTINGS and connection faults of {@link Http2Options},
 * and a GOAWAY that closes the connection once its last streams are done. Runs on the channel's
 * event loop.
 *
 * <p>Closing the channel closes it at once, without a GOAWAY: a test server's faults and its own
 * {@code close()} must not wait for streams to drain.
 */
final class H2Connection extends Http2ConnectionHandler {

    /** The request header list limit, the same as the HTTP/1.1 side's limit for a request head. */
    static final long MAX_HEADER_LIST_BYTES = RequestParser.MAX_HEAD;

    /** The codec's message for a frame on a stream it never opened (see onConnectionError). */
    private static final Pattern UNKNOWN_STREAM = Pattern.compile("Stream (\\d+) does not exist for inbound frame");

    private ChannelHandlerContext ctx;
    private boolean closeWhenIdle;

    private H2Connection(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
        super(decoder, encoder, settings, /* decoupleCloseAndGoAway= */ true);
        connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                closeIfIdle();
            }
        });
    }

    /** Returns the handler for a new connection speaking HTTP/2 to {@code handler}'s routes. */
    static H2Connection create(
            RequestHandler handler, int connectionId, long maxRecordedBodyBytes, Http2Options options) {
        H2Streams streams = new H2Streams(handler, connectionId, maxRecordedBodyBytes, options);
        H2Connection connection = new Builder(options).frameListener(streams).build();
        streams.attach(connection);
        return connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) throws Exception {
        this.ctx = context;
        super.handlerAdded(context);
    }

    /** Returns this handler's context: frames written through it go straight to the socket. */
    ChannelHandlerContext context() {
        return ctx;
    }

    /**
     * Sends GOAWAY(NO_ERROR) naming {@code lastStreamId} as the last stream processed, and closes
     * the connection as soon as no stream is active. Streams the client opens above it are refused
     * by the codec (REFUSED_STREAM) and never reach the routes.
     */
    void goAwayAndCloseWhenIdle(int lastStreamId) {
        goAway(ctx, lastStreamId, Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER, ctx.newPromise());
        flush(ctx);
        closeWhenIdle = true;
        closeIfIdle();
    }

    /** Resets {@code streamId} with {@code error}. */
    void reset(int streamId, Http2Error error) {
        resetStream(ctx, streamId, error.code(), ctx.newPromise());
        flush(ctx);
    }

    /**
     * Works around the codec: when the client acknowledges SETTINGS that shrink the initial window,
     * the codec shrinks each open stream's window but sends no WINDOW_UPDATE, even where the client
     * had already sent (and the server consumed) more than the new window in the first round trip.
     * With nothing more to consume it never would, and that upload would wait forever. Called once
     * the new settings apply: offers each open stream the update its window now needs.
     */
    void returnShrunkWindows() {
        Http2LocalFlowController flow = decoder().flowController();
        try {
            connection().forEachActiveStream(stream -> {
                flow.incrementWindowSize(stream, 0); // no change, then "update if needed"
                return true;
            });
        } catch (Http2Exception e) {
            onError(ctx, false, e);
        }
        flush(ctx);
    }

    /**
     * Lets the encoder write header lists over the client's SETTINGS_MAX_HEADER_LIST_SIZE, which
     * it would otherwise refuse to write: the setting is advisory (RFC 9113 section 6.5.2), and a
     * test server sends what a test scripts, so that a client's own limit can be proven. Called
     * each time the client's SETTINGS apply.
     */
    void sendHeaderListsOfAnySize() {
        try {
            encoder().configuration().headersConfiguration().maxHeaderListSize(Http2CodecUtil.MAX_HEADER_LIST_SIZE);
        } catch (Http2Exception e) {
            throw new AssertionError("the protocol's own maximum is refused", e);
        }
    }

    /** Returns whether {@code streamId} can still carry frames from the server. */
    boolean canWrite(int streamId) {
        Http2Stream stream = connection().stream(streamId);
        return ctx.channel().isActive()
                && stream != null
                && !stream.isResetSent()
                && stream.state().localSideOpen();
    }

    private void closeIfIdle() {
        if (!closeWhenIdle
                || connection().numActiveStreams() != 0
                || !ctx.channel().isActive()) {
            return;
        }
        closeWhenIdle = false;
        if (ctx.channel() instanceof SocketChannel socket) {
            // Half-close and linger rather than close: frames the client sent before it read the
            // GOAWAY would otherwise make the kernel reset the connection, and a reset can destroy
            // answers the client has not read yet. The client's own close ends it sooner.
            socket.shutdownOutput();
            ctx.executor().schedule(() -> ctx.close(), ResponseWriter.LINGER_SECONDS, TimeUnit.SECONDS);
        } else {
            ctx.close();
        }
    }

    /**
     * Works around the codec: after our GOAWAY it refuses a stream the client opened above the
     * GOAWAY's last stream (RST_STREAM REFUSED_STREAM) without recording it as opened, so the DATA
     * the client had already sent on it counts as a frame of a stream that never existed: a
     * connection error (PROTOCOL_ERROR) that would end the streams still being answered. RFC 9113
     * has such frames ignored (section 6.8, and section 5.4.2 for a stream reset by its receiver);
     * the codec has already taken them off the connection's window.
     */
    @Override
    protected void onConnectionError(
            ChannelHandlerContext context, boolean outbound, Throwable cause, Http2Exception error) {
        if (!outbound && isFrameOfAStreamRefusedAfterGoAway(error)) {
            return;
        }
        super.onConnectionError(context, outbound, cause, error);
    }

    private boolean isFrameOfAStreamRefusedAfterGoAway(Http2Exception error) {
        if (error == null
                || error.error() != Http2Error.PROTOCOL_ERROR
                || !connection().goAwaySent()) {
            return false;
        }
        Matcher unknown = UNKNOWN_STREAM.matcher(String.valueOf(error.getMessage()));
        return unknown.lookingAt()
                && Integer.parseInt(unknown.group(1)) > connection().remote().lastStreamKnownByPeer();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) throws Exception {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            // A protocol error: the codec answers it with RST_STREAM or GOAWAY, as it should.
            super.exceptionCaught(context, cause);
        } else {
            // A peer that resets or botches a TLS handshake is a normal event for a test server.
            context.close();
        }
    }

    /** Maps {@link Http2Options} onto the codec's settings. */
    private static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<H2Connection, Builder> {
        Builder(Http2Options options) {
            server(true);
            Http2Settings settings = Http2Settings.defaultSettings()
                    .maxHeaderListSize(MAX_HEADER_LIST_BYTES)
                    .maxConcurrentStreams(options.maxConcurrentStreams());
            if (options.initialWindowSize() >= 0) {
                settings.initialWindowSize(options.initialWindowSize());
            }
            initialSettings(settings);
            autoAckSettingsFrame(options.acksSettings());
            autoAckPingFrame(options.answersPings());
        }

        @Override
        protected Builder frameListener(io.netty.handler.codec.http2.Http2FrameListener listener) {
            return super.frameListener(listener);
        }

        @Override
        protected H2Connection build() {
            return super.build();
        }

        @Override
        protected H2Connection build(
                Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
            return new H2Connection(decoder, encoder, settings);
        }
    }
}
