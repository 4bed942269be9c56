package io.posthaste.internal.http3;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http3.DefaultHttp3SettingsFrame;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.http3.Http3GoAwayFrame;
import io.netty.handler.codec.http3.Http3Settings;
import io.netty.handler.codec.http3.Http3SettingsFrame;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicStreamLimitChangedEvent;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.codec.quic.QuicTransportError;
import io.netty.util.ReferenceCountUtil;
import io.posthaste.internal.connection.ConnectionListener;
import io.posthaste.internal.connection.Origin;
import io.posthaste.internal.exchange.Carrier;
import io.posthaste.internal.exchange.ProtocolConnection;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.Executor;

/**
 * One HTTP/3 connection (a QUIC connection): a pooled connection leased per exchange up to the
 * number of request streams the server allowed when the handshake ended ({@link #capacity()}),
 * each exchange on a request stream of its own ({@link H3Stream}). When the server's stream
 * credit runs out before it grants more (MAX_STREAMS lags behind streams ending), a stream waits
 * here to open, in order, rather than fail. After GOAWAY it takes no new stream, and the streams
 * the server left out (at or above GOAWAY's stream id) go again elsewhere; when the connection
 * closes, every stream fails naming the QUIC or HTTP/3 error code that closed it.
 *
 * <p>Limits (our SETTINGS): the response header section is bounded by the session's
 * {@code maxResponseHeaderSize} (SETTINGS_MAX_FIELD_SECTION_SIZE, enforced by the codec), and
 * QPACK's dynamic table is off both ways (capacity 0, no blocked streams): the static table and
 * literals only, so a server cannot make us hold header state or stall a stream on a missing
 * table update. Idle connections are closed by QUIC's idle timeout, which is the session's.
 *
 * <p>Threading: {@link #isUsable()}, {@link #capacity()}, {@link #close()} and
 * {@link #carrier()} from any thread; everything else on the channel's event loop.
 */
public final class Http3Connection implements ProtocolConnection {

    /** QUIC's window per request stream: as much as a streamed body's reader may fall behind. */
    static final long STREAM_WINDOW = 1024 * 1024;
    /** QUIC's window for the connection: many streams' worth, as on HTTP/2. */
    static final long CONNECTION_WINDOW = 16 * 1024 * 1024;
    /** QPACK's dynamic table both ways: none (see the class comment). */
    static final long QPACK_TABLE_CAPACITY = 0;

    private final Origin origin;
    private final ConnectionListener<ProtocolConnection> listener;
    private final Executor blocking;
    private final int maxHeaders;
    private final ArrayList<H3Stream> bound = new ArrayList<>();
    private final ArrayDeque<H3Stream> waitingToOpen = new ArrayDeque<>();
    private QuicChannel channel;
    private volatile int peerLimit = 1;
    private volatile boolean goAway;
    private volatile boolean broken;
    private boolean handedOut;
    private long goAwayStreamId = Long.MAX_VALUE;
    private Throwable failure;
    private long streams;
    private long idleSince;

    private Http3Connection(
            Origin origin, ConnectionListener<ProtocolConnection> listener, Executor blocking, int maxHeaders) {
        this.origin = origin;
        this.listener = listener;
        this.blocking = blocking;
        this.maxHeaders = maxHeaders;
    }

    /**
     * Returns a connection to {@code origin}, not connected yet: its {@link #handler} goes on the
     * QUIC channel before the handshake, and {@link #established} hands it the channel after.
     *
     * @param maxHeaderListSize the largest response header section to decode (bytes)
     * @param maxHeaders the most fields a response head may have
     */
    static Http3Connection create(
            Origin origin, ConnectionListener<ProtocolConnection> listener, Executor blocking, int maxHeaders) {
        return new Http3Connection(origin, listener, blocking, maxHeaders);
    }

    /** Returns the handlers of the QUIC channel: HTTP/3's, with our settings, then ours. */
    ChannelHandler handler(long maxHeaderListSize) {
        Http3SettingsFrame settings = new DefaultHttp3SettingsFrame(new Http3Settings()
                .maxFieldSectionSize(maxHeaderListSize)
                .qpackMaxTableCapacity(QPACK_TABLE_CAPACITY)
                .qpackBlockedStreams(0));
        return new io.netty.channel.ChannelInitializer<QuicChannel>() {
            @Override
            protected void initChannel(QuicChannel ch) {
                ch.pipeline()
                        .addLast(new Http3ClientConnectionHandler(new ControlFrames(), null, null, settings, true));
                ch.pipeline().addLast(new Events());
            }
        };
    }

    /** The handshake is done on {@code quic}: the connection can carry exchanges. Event loop. */
    void established(QuicChannel quic) {
        channel = quic;
        raiseLimit();
    }

    /** The pool has the connection: from now on it hears when the stream limit rises. Event loop. */
    void handedOut() {
        handedOut = true;
    }

    /**
     * Raises the limit to the streams the server allows now beside those open. QUIC learns the
     * server's credit just after the handshake, so the first limit is often only known then; it
     * never falls (GOAWAY, not the credit, ends a connection), and a server that grants nothing
     * yet gets one stream, which waits here for credit. Returns whether it rose.
     */
    private boolean raiseLimit() {
        long open = bound.size() - waitingToOpen.size();
        long allowed = channel.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) + Math.max(0, open);
        int limit = (int) Math.max(1, Math.min(allowed, Integer.MAX_VALUE));
        if (limit <= peerLimit) {
            return false;
        }
        peerLimit = limit;
        return true;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public Origin origin() {
        return origin;
    }

    @Override
    public Carrier carrier() {
        return new H3Stream(this);
    }

    @Override
    public boolean isMultiplexed() {
        return true;
    }

    @Override
    public int capacity() {
        return isUsable() ? peerLimit : 0;
    }

    @Override
    public boolean isUsable() {
        QuicChannel quic = channel;
        return !broken && !goAway && quic != null && quic.isActive();
    }

    @Override
    public void close() {
        broken = true;
        QuicChannel quic = channel;
        if (quic != null) {
            quic.close(true, Http3ErrorCode.H3_NO_ERROR.code(), Unpooled.EMPTY_BUFFER);
        }
    }

    @Override
    public void idleSince(long nanoTime) {
        idleSince = nanoTime;
    }

    @Override
    public long idleSince() {
        return idleSince;
    }

    QuicChannel quic() {
        return channel;
    }

    Executor blocking() {
        return blocking;
    }

    int maxHeaders() {
        return maxHeaders;
    }

    /** The error that closed the connection, or null. */
    Throwable failure() {
        return failure;
    }

    /** Whether a GOAWAY left stream {@code id} out: the server never processed it. */
    boolean goAwayExcludes(long id) {
        return goAway && id >= goAwayStreamId;
    }

    long goAwayStreamId() {
        return goAwayStreamId;
    }

    /** Whether a stream was bound on this connection before. */
    boolean hasCarriedStreams() {
        return streams > 0;
    }

    /** A stream binds an exchange; returns whether the connection carried streams before. */
    boolean onBind(H3Stream stream) {
        bound.add(stream);
        return streams++ > 0;
    }

    /** A stream's exchange is over. */
    void onUnbind(H3Stream stream) {
        bound.remove(stream);
        waitingToOpen.remove(stream);
    }

    /**
     * Opens {@code stream}'s request stream now if the server allows another, else queues it
     * until it does. Returns why it cannot open at all (GOAWAY, closed): it was then never sent.
     */
    String open(H3Stream stream) {
        if (goAway) {
            return "the server sent GOAWAY (stream id " + goAwayStreamId + ")";
        }
        if (broken || !channel.isActive()) {
            return "the connection is closed";
        }
        if (!waitingToOpen.isEmpty() || channel.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) <= 0) {
            waitingToOpen.add(stream);
            return null;
        }
        stream.openNow();
        return null;
    }

    /** The server granted more streams: the waiting ones open, in order, while they may. */
    private void onStreamLimitChanged() {
        if (raiseLimit() && handedOut) {
            listener.capacityChanged(this);
        }
        while (!waitingToOpen.isEmpty() && channel.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) > 0) {
            waitingToOpen.poll().openNow();
        }
    }

    /** The server sent GOAWAY: no new stream; those at or above {@code streamId} were never processed. */
    private void onGoAway(long streamId) {
        goAway = true;
        goAwayStreamId = Math.min(goAwayStreamId, streamId);
        listener.capacityChanged(this);
        H3Stream[] waiting = waitingToOpen.toArray(new H3Stream[0]);
        waitingToOpen.clear();
        for (H3Stream stream : waiting) {
            stream.refused("the server sent GOAWAY (stream id " + goAwayStreamId + ") before the stream opened");
        }
    }

    /** The peer closed the connection, with a QUIC or HTTP/3 error code. */
    private void onPeerClose(QuicConnectionCloseEvent event) {
        if (failure == null) {
            failure = new IOException("the server closed the HTTP/3 connection with " + closeReason(event));
        }
        broken = true;
    }

    private void onInactive() {
        broken = true;
        QuicChannel quic = channel;
        if (failure == null && quic != null && quic.isTimedOut()) {
            failure = new IOException(
                    "the HTTP/3 connection timed out (QUIC idle timeout: no packet from the " + "server)");
        }
        H3Stream[] waiting = waitingToOpen.toArray(new H3Stream[0]);
        waitingToOpen.clear();
        for (H3Stream stream : waiting) {
            stream.refused("the HTTP/3 connection closed before the stream opened");
        }
        if (bound.isEmpty() && quic != null) {
            listener.idleConnectionLost(this);
        }
    }

    /** Names a QUIC CONNECTION_CLOSE: the HTTP/3 code for an application close, else QUIC's. */
    static String closeReason(QuicConnectionCloseEvent event) {
        if (event.isTlsError()) {
            return "TLS alert " + QuicConnectionCloseEvent.extractTlsError(event.error());
        }
        String reason = event.reason() == null || event.reason().length == 0
                ? ""
                : ": " + new String(event.reason(), java.nio.charset.StandardCharsets.UTF_8);
        return (event.isApplicationClose() ? H3Stream.errorName(event.error()) : quicErrorName(event.error())) + reason;
    }

    /** Names a QUIC transport error code: its name and hex value. */
    static String quicErrorName(long code) {
        String name;
        try {
            name = QuicTransportError.valueOf(code).name();
        } catch (RuntimeException unknown) {
            name = "QUIC error";
        }
        return name + " (0x" + Long.toHexString(code) + ")";
    }

    @Override
    public String toString() {
        QuicChannel quic = channel;
        return "Http3Connection[" + origin
                + (quic == null ? "" : ", " + quic.id().asShortText()) + "]";
    }

    /** Frames of the server's control stream that concern the connection: GOAWAY. Event loop. */
    private final class ControlFrames extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http3GoAwayFrame goAwayFrame) {
                    onGoAway(goAwayFrame.id());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // The codec has closed the connection with the error code; the streams hear of it.
            if (failure == null) {
                failure = cause;
            }
        }
    }

    /** What happens to the QUIC connection as a whole. Event loop. */
    private final class Events extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof QuicStreamLimitChangedEvent) {
                onStreamLimitChanged();
            } else if (event instanceof QuicConnectionCloseEvent close) {
                onPeerClose(close);
            }
            ReferenceCountUtil.release(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null) {
                failure = cause;
            }
            broken = true;
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onInactive();
        }
    }
}
