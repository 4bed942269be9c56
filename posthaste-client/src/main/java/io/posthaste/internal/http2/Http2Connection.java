package io.posthaste.internal.http2;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AsciiString;
import io.posthaste.internal.connection.ConnectionListener;
import io.posthaste.internal.connection.Origin;
import io.posthaste.internal.exchange.Carrier;
import io.posthaste.internal.exchange.ProtocolConnection;
import io.posthaste.internal.session.ReadPacing;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One HTTP/2 connection: a pooled connection leased per exchange, up to the peer's
 * SETTINGS_MAX_CONCURRENT_STREAMS ({@link #capacity()}), each exchange on a stream of its own
 * ({@link H2Stream}). It is handed out once the server's first SETTINGS arrived, so the peer is
 * known to speak HTTP/2 and its limit is known; later SETTINGS and GOAWAY are reported to the
 * pool as capacity changes. After GOAWAY it takes no new stream, and the streams the peer left
 * out go again elsewhere; after a connection error every stream fails, naming the error.
 *
 * <p>One timer serves every stream's timeouts ({@link H2Watchdog}), as on HTTP/1.1 one serves
 * the connection's exchange.
 *
 * <p>Threading: {@link #isUsable()}, {@link #capacity()}, {@link #close()} and
 * {@link #carrier()} from any thread; everything else on the channel's event loop.
 */
public final class Http2Connection implements ProtocolConnection {

    /** Our stream window: as much as a streamed body's reader may fall behind (ResponseBodyStream). */
    static final int STREAM_WINDOW = 1024 * 1024;
    /** Our connection window: many streams' worth, so that one slow stream does not stop the rest. */
    static final int CONNECTION_WINDOW = 16 * 1024 * 1024;

    /** How many of a request's fields have their last value kept for reuse ({@link #fieldValue}). */
    private static final int REPEATED_FIELDS = 16;

    private static final AsciiString HTTPS = AsciiString.cached("https");
    private static final AsciiString HTTP = AsciiString.cached("http");

    private final Channel channel;
    private final Origin origin;
    private final RepeatedText authorities = new RepeatedText();
    private final RepeatedText paths = new RepeatedText();
    private final RepeatedText lengths = new RepeatedText();
    private final RepeatedText[] fieldValues = new RepeatedText[REPEATED_FIELDS];
    private final ConnectionListener<ProtocolConnection> listener;
    private final Executor blocking;
    private final boolean singleUse;
    private final int maxHeaderListSize;
    private final H2Frames frames;
    private final H2Handler handler;
    private final CompletableFuture<ProtocolConnection> ready = new CompletableFuture<>();
    private final ArrayList<H2Stream> bound = new ArrayList<>();
    private ChannelHandlerContext ctx;
    private H2Writes writes;
    private volatile int peerLimit = Integer.MAX_VALUE;
    private volatile boolean goAway;
    private volatile boolean broken;
    private int goAwayLastStreamId = Integer.MAX_VALUE;
    private Throwable failure;
    private long streams;
    private boolean reading;
    private long idleSince;
    private final H2Watchdog watchdog;
    private final H2ReadPacing pacing;

    private Http2Connection(
            Channel channel,
            Origin origin,
            ConnectionListener<ProtocolConnection> listener,
            Executor blocking,
            boolean singleUse,
            int maxHeaderListSize,
            int maxHeaders,
            Set<String> sensitive,
            long pingIntervalNanos,
            long pingTimeoutNanos,
            ReadPacing pacing) {
        this.channel = channel;
        this.origin = origin;
        this.listener = listener;
        this.blocking = blocking;
        this.singleUse = singleUse;
        this.maxHeaderListSize = maxHeaderListSize;
        for (int i = 0; i < REPEATED_FIELDS; i++) {
            fieldValues[i] = new RepeatedText();
        }
        this.frames = new H2Frames(this, maxHeaders);
        this.handler = H2Handler.create(this, frames, maxHeaderListSize, sensitive);
        this.pacing = new H2ReadPacing(channel, pacing);
        this.watchdog = new H2Watchdog(this, channel, bound, singleUse ? 0 : pingIntervalNanos, pingTimeoutNanos);
    }

    /**
     * Makes {@code channel} an HTTP/2 connection to {@code origin} and returns it once the server's
     * first SETTINGS arrived. Event loop of the channel, active (after TLS) or not (cleartext).
     *
     * @param maxHeaderListSize the largest response header list HPACK may decode (bytes, as RFC
     *     9113 counts them)
     * @param maxHeaders the most fields a response head may have
     * @param sensitive header names (lowercase) never put in HPACK's table
     * @param listener hears when the connection is lost while idle, and when its capacity changes
     * @param blocking runs request bodies that need blocking reads
     * @param singleUse serves one exchange only (opened on a caller's own loop, which nobody drives
     *     between calls to answer the peer's PINGs and SETTINGS); it sends no interval PINGs
     * @param pingIntervalNanos how long the connection may read nothing before it sends a PING to
     *     prove the peer alive; 0 for never
     * @param pingTimeoutNanos how long such a PING may go unanswered before the connection is
     *     declared dead (the session's read timeout)
     * @param pacing when the connection holds its next read ({@link ReadPacing#DEFAULT})
     */
    public static CompletableFuture<ProtocolConnection> install(
            Channel channel,
            Origin origin,
            int maxHeaderListSize,
            int maxHeaders,
            Set<String> sensitive,
            ConnectionListener<ProtocolConnection> listener,
            Executor blocking,
            boolean singleUse,
            long pingIntervalNanos,
            long pingTimeoutNanos,
            ReadPacing pacing) {
        Http2Connection connection = new Http2Connection(
                channel,
                origin,
                listener,
                blocking,
                singleUse,
                maxHeaderListSize,
                maxHeaders,
                sensitive,
                pingIntervalNanos,
                pingTimeoutNanos,
                pacing);
        channel.pipeline().addLast("h2", connection.handler);
        connection.ctx = channel.pipeline().context(connection.handler);
        connection.writes = new H2Writes(connection.handler, connection.ctx, connection.frames);
        return connection.ready;
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
        return new H2Stream(this);
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
        return !broken && !goAway && channel.isActive();
    }

    @Override
    public void close() {
        broken = true;
        channel.close();
    }

    @Override
    public void idleSince(long nanoTime) {
        idleSince = nanoTime;
    }

    @Override
    public long idleSince() {
        return idleSince;
    }

    /** Returns what writes this connection's frames. */
    H2Writes writes() {
        return writes;
    }

    Executor blocking() {
        return blocking;
    }

    /** The largest response header list we decode, in bytes: the session's {@code maxResponseHeaderSize}. */
    int maxHeaderListSize() {
        return maxHeaderListSize;
    }

    /** The {@code :scheme} of this connection's requests. Any thread. */
    AsciiString scheme() {
        return origin.https() ? HTTPS : HTTP;
    }

    /** Returns {@code authority} as sent, reusing the last one sent. Any thread. */
    AsciiString authority(String authority) {
        return authorities.of(authority);
    }

    /** Returns {@code path} as sent, reusing the last one sent. Any thread. */
    AsciiString path(String path) {
        return paths.of(path);
    }

    /**
     * Returns {@code value}, the value of a request's field number {@code index}, as sent: the
     * one sent last at that place if it was the same text (the session's own fields, as
     * {@code User-Agent}, come at the same place every time). Any thread.
     */
    AsciiString fieldValue(int index, String value) {
        return index < REPEATED_FIELDS ? fieldValues[index].of(value) : new AsciiString(value);
    }

    /** Returns {@code length} as a {@code content-length} value, reusing the last one sent. Any thread. */
    AsciiString contentLength(long length) {
        return lengths.of(length);
    }

    Http2Stream stream(int id) {
        return handler.connection().stream(id);
    }

    boolean isReading() {
        return reading;
    }

    /** Whether {@code stream}'s window and the connection can take more DATA now. */
    boolean isWritable(Http2Stream stream) {
        return handler.encoder().flowController().isWritable(stream);
    }

    /** The connection error that ended the connection, or null. */
    Throwable failure() {
        return failure;
    }

    /** Whether a GOAWAY left stream {@code id} out: the peer never processed it. */
    boolean goAwayExcludes(int id) {
        return goAway && id > goAwayLastStreamId;
    }

    int goAwayLastStreamId() {
        return goAwayLastStreamId;
    }

    /** Whether a stream was bound on this connection before. */
    boolean hasCarriedStreams() {
        return streams > 0;
    }

    /** A stream binds an exchange; returns whether the connection carried streams before. */
    boolean onBind(H2Stream stream) {
        bound.add(stream);
        return streams++ > 0;
    }

    /** A stream's exchange is over. */
    void onUnbind(H2Stream stream) {
        bound.remove(stream);
        if (singleUse) {
            broken = true; // Its one exchange is done: the caller's loop closes it on release.
        }
    }

    /** Returns {@code bytes} a reader took to {@code stream}'s window (and the connection's). */
    void consume(Http2Stream stream, int bytes) {
        try {
            if (stream.state() != Http2Stream.State.CLOSED
                    && handler.decoder().flowController().consumeBytes(stream, bytes)) {
                handler.flush(ctx);
            }
        } catch (Http2Exception e) {
            onConnectionError(e);
            channel.close();
        }
    }

    /** Makes sure the streams' timeouts are checked within {@code delayNanos}. */
    void checkWithin(long delayNanos) {
        watchdog.checkWithin(delayNanos);
    }

    /** A read brought {@code bytes}. */
    void onReadStarted(int bytes) {
        reading = true;
        pacing.onRead(bytes);
        watchdog.onRead();
    }

    /**
     * A stream waited longer than its read timeout ({@code timeoutNanos}): the connection may be
     * dead for every stream, so a PING checks it, declaring it dead without an ACK in that time.
     */
    void checkAlive(long timeoutNanos) {
        if (channel.isActive()) {
            watchdog.ping(timeoutNanos);
        }
    }

    /** The peer acknowledged our SETTINGS. */
    void onSettingsAck() {
        watchdog.onSettingsAck();
    }

    /** The peer did not acknowledge our SETTINGS within {@code waitedMillis}: SETTINGS_TIMEOUT. */
    void onSettingsUnacknowledged(long waitedMillis) {
        handler.onError(
                ctx,
                false,
                Http2Exception.connectionError(
                        Http2Error.SETTINGS_TIMEOUT,
                        "the server did not acknowledge our SETTINGS within %d ms",
                        waitedMillis));
    }

    /** The peer acknowledged the PING carrying {@code payload}. */
    void onPingAck(long payload) {
        watchdog.onPingAck(payload);
    }

    /** No ACK came for a PING sent {@code waitedMillis} ago: the connection is dead. */
    void onPingUnanswered(long waitedMillis) {
        onConnectionError(new IOException("the HTTP/2 connection is dead: no PING ACK within " + waitedMillis + " ms"));
        channel.close();
    }

    void onReadComplete() {
        reading = false;
        pacing.onReadComplete(handler.connection().local().numActiveStreams());
    }

    /** The server's SETTINGS: the first makes the connection ready; the stream limit may change. */
    void onSettings(Http2Settings settings) {
        Long table = settings.headerTableSize();
        if (table != null && table > H2Handler.HEADER_TABLE_SIZE) {
            try {
                // Our HPACK encoder's table would otherwise grow to what the peer allows (up to
                // 4 GiB) with every distinct field we send; a smaller one is always legal.
                handler.encoder()
                        .configuration()
                        .headersConfiguration()
                        .maxHeaderTableSize(H2Handler.HEADER_TABLE_SIZE);
            } catch (Http2Exception e) {
                onConnectionError(e);
            }
        }
        int limit = handler.connection().local().maxActiveStreams();
        boolean changed = limit != peerLimit;
        peerLimit = limit;
        if (!ready.isDone()) {
            watchdog.start();
            ready.complete(this);
        } else if (changed) {
            listener.capacityChanged(this);
        }
    }

    /** The server sent GOAWAY: no new stream; those above {@code lastStreamId} were never processed. */
    void onGoAway(int lastStreamId, long errorCode) {
        goAway = true;
        goAwayLastStreamId = Math.min(goAwayLastStreamId, lastStreamId);
        if (!ready.isDone()) {
            ready.completeExceptionally(new IOException(
                    "the server refused the HTTP/2 connection (GOAWAY " + H2Heads.errorName(errorCode) + ")"));
        }
        listener.capacityChanged(this);
    }

    /** A connection error (ours or the peer's, or the socket's): every stream fails. */
    void onConnectionError(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        broken = true;
        if (!ready.isDone()) {
            ready.completeExceptionally(notHttp2(cause));
        }
    }

    /** This side reset a stream as malformed; its exchange fails. */
    void onStreamError(Http2Exception.StreamException error) {
        H2Stream carrier = frames.carrier(stream(error.streamId()));
        if (carrier != null) {
            carrier.onStreamError(error);
        }
    }

    void onInactive() {
        broken = true;
        watchdog.stop();
        if (!ready.isDone()) {
            ready.completeExceptionally(failure != null ? notHttp2(failure) : new ClosedChannelException());
        }
    }

    /** Netty closed every stream (each told its exchange); an idle connection leaves the pool. */
    void afterInactive() {
        if (bound.isEmpty() && ready.isDone() && !ready.isCompletedExceptionally()) {
            listener.idleConnectionLost(this);
        }
    }

    /** An HTTP/1.x answer to the preface is "not HTTP/2", said plainly; anything else as it is. */
    private static Throwable notHttp2(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof Http2Exception && message.contains("485454502f")) { // "HTTP/" in hex
            return new IOException(
                    "the server does not speak HTTP/2 (prior knowledge): it answered " + "HTTP/1.x", cause);
        }
        return cause;
    }

    @Override
    public String toString() {
        return "Http2Connection[" + origin + ", " + channel.id().asShortText() + "]";
    }
}
