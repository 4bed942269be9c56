package io.posthaste.internal.http2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionDecoder;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameReader;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Netty's HTTP/2 connection handler, as one {@link Http2Connection} uses it: our SETTINGS and
 * limits (design notes §4), the connection window raised to {@value Http2Connection#CONNECTION_WINDOW}
 * bytes once the preface is out, and every error reported to the connection instead of logged.
 * Event loop.
 */
final class H2Handler extends Http2ConnectionHandler {

    /** Streams the peer may reset in {@link #RST_WINDOW_SECONDS} before it is cut off (CVE-2023-44487). */
    private static final int MAX_RSTS = 200;

    private static final int RST_WINDOW_SECONDS = 30;
    /** HPACK's dynamic table, both ways: enough for a session's repeated fields, and no more. */
    static final int HEADER_TABLE_SIZE = 4096;

    private final Http2Connection owner;
    private boolean windowRaised;

    private H2Handler(
            Http2ConnectionDecoder decoder,
            Http2ConnectionEncoder encoder,
            Http2Settings settings,
            Http2Connection owner) {
        super(decoder, encoder, settings);
        this.owner = owner;
    }

    /**
     * Builds the handler of {@code owner}, whose frames go to {@code frames}, advertising
     * {@code maxHeaderListSize}; header names in {@code sensitive} are never indexed by HPACK.
     */
    static H2Handler create(Http2Connection owner, H2Frames frames, int maxHeaderListSize, Set<String> sensitive) {
        DefaultHttp2Connection connection = new DefaultHttp2Connection(false, 0);
        // Uniform distribution: cheaper than the default weighted tree, and we send no priorities.
        connection
                .remote()
                .flowController(new DefaultHttp2RemoteFlowController(
                        connection, new UniformStreamByteDistributor(connection), frames::onWritabilityChanged));
        connection.addListener(frames);
        frames.key(connection.newKey());
        Http2Settings settings = new Http2Settings()
                .pushEnabled(false)
                .maxConcurrentStreams(0)
                .initialWindowSize(Http2Connection.STREAM_WINDOW)
                .maxHeaderListSize(maxHeaderListSize)
                .headerTableSize(HEADER_TABLE_SIZE);
        return new Builder(owner).make(connection, frames, settings, new NeverIndexed(sensitive));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        if (ctx.channel().isActive()) {
            // Added after the TLS handshake: the preface was written now, but not flushed.
            raiseConnectionWindow(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        super.channelActive(ctx);
        raiseConnectionWindow(ctx);
    }

    /** Raises the connection window past the protocol's 64 KiB, so that many streams can flow. */
    private void raiseConnectionWindow(ChannelHandlerContext ctx) throws Http2Exception {
        if (windowRaised) {
            return;
        }
        windowRaised = true;
        decoder()
                .flowController()
                .incrementWindowSize(
                        connection().connectionStream(),
                        Http2Connection.CONNECTION_WINDOW - Http2CodecUtil.DEFAULT_WINDOW_SIZE);
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        owner.onReadStarted(msg instanceof ByteBuf bytes ? bytes.readableBytes() : 0);
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        try {
            super.channelReadComplete(ctx);
        } finally {
            owner.onReadComplete();
        }
    }

    @Override
    protected void onConnectionError(
            ChannelHandlerContext ctx, boolean outbound, Throwable cause, Http2Exception http2Ex) {
        owner.onConnectionError(http2Ex != null ? http2Ex : cause);
        if (outbound && http2Ex == null && cause instanceof IOException) {
            // A write failed on the socket (the peer reset or closed it). What the peer sent before
            // is still to be read, maybe an answer given before it stopped reading an upload
            // (RFC 9113 section 8.1): the read side ends the connection when it meets the end.
            return;
        }
        super.onConnectionError(ctx, outbound, cause, http2Ex);
    }

    @Override
    protected void onStreamError(
            ChannelHandlerContext ctx,
            boolean outbound,
            Throwable cause,
            Http2Exception.StreamException streamException) {
        if (!outbound) {
            // An outbound one is our write failing (the stream closed under it): the write's own
            // promise reports that to the attempt; it says nothing of the response.
            owner.onStreamError(streamException);
        }
        super.onStreamError(ctx, outbound, cause, streamException);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            super.exceptionCaught(ctx, cause);
            return;
        }
        // The socket failed (reset, broken pipe): nothing more will come or go.
        owner.onConnectionError(cause);
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof ChannelInputShutdownEvent) {
            // The transport allows half-closure for HTTP/1.1's sake; on HTTP/2 a FIN ends it all.
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        owner.onInactive();
        super.channelInactive(ctx);
        owner.afterInactive();
    }

    /**
     * Netty's builder, configured as the class comment says. It builds the codec itself, from
     * Netty's parts and the builder's own settings, as Netty's would, but for parts of ours: the
     * frame writer ({@link H2FrameWriter}) and its HPACK encoder ({@link H2BlockEncoder}), the
     * header decoder ({@link H2BlockDecoder}, decoding into {@link H2Fields}), and the control
     * frame limit ({@link H2ControlFrameLimit}), Netty's being out of reach. Netty's decoder-side
     * guards (empty DATA frames, the RST_STREAM rate, small CONTINUATION frames) are applied as
     * the builder applies them.
     */
    private static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<H2Handler, Builder> {
        private final Http2Connection owner;

        Builder(Http2Connection owner) {
            this.owner = owner;
        }

        H2Handler make(
                DefaultHttp2Connection connection,
                H2Frames frames,
                Http2Settings settings,
                Http2HeadersEncoder.SensitivityDetector sensitive) {
            frameListener(frames);
            initialSettings(settings);
            decoderEnforceMaxRstFramesPerWindow(MAX_RSTS, RST_WINDOW_SECONDS);
            // close() must not wait for the peer: the pool closes only idle or broken connections.
            gracefulShutdownTimeoutMillis(0);
            // What our SETTINGS allow the server to open (none: we take no push).
            connection.remote().maxActiveStreams(settings.maxConcurrentStreams().intValue());
            Http2ConnectionEncoder encoder = new H2ControlFrameLimit(
                    new DefaultHttp2ConnectionEncoder(connection, new H2FrameWriter(new H2BlockEncoder(sensitive))),
                    encoderEnforceMaxQueuedControlFrames());
            Http2FrameReader reader = new DefaultHttp2FrameReader(
                    new H2BlockDecoder(isValidateHeaders(), settings.maxHeaderListSize()),
                    decoderEnforceMaxSmallContinuationFrames());
            codec(
                    new DefaultHttp2ConnectionDecoder(
                            connection,
                            encoder,
                            reader,
                            promisedRequestVerifier(),
                            isAutoAckSettingsFrame(),
                            isAutoAckPingFrame(),
                            isValidateHeaders(),
                            isValidateRequiredPseudoHeaders()),
                    encoder);
            return build();
        }

        @Override
        protected H2Handler build(
                Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
            return new H2Handler(decoder, encoder, settings, owner);
        }
    }

    /**
     * Says which fields HPACK must never index: those named in the session's sensitive set. Asked
     * for every field sent, whose names are lowercase AsciiStrings that keep their hash
     * (H2Encoding): the question costs a few int comparisons, and a text comparison on a match.
     */
    private static final class NeverIndexed implements Http2HeadersEncoder.SensitivityDetector {
        private final AsciiString[] names;
        private final int[] hashes;

        NeverIndexed(Set<String> sensitive) {
            names = sensitive.stream()
                    .map(name -> new AsciiString(name.toLowerCase(Locale.ROOT)))
                    .toArray(AsciiString[]::new);
            hashes = Arrays.stream(names)
                    .mapToInt(name -> AsciiString.hashCode(name))
                    .toArray();
        }

        @Override
        public boolean isSensitive(CharSequence name, CharSequence value) {
            int hash = AsciiString.hashCode(name);
            for (int i = 0; i < names.length; i++) {
                if (hashes[i] == hash && names[i].contentEqualsIgnoreCase(name)) {
                    return true;
                }
            }
            return false;
        }
    }
}
