package io.posthaste.internal.http3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.http3.Http3Exception;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicException;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.posthaste.ClientConnectionException;
import io.posthaste.ClientPayloadException;
import io.posthaste.internal.exchange.Attempt;
import io.posthaste.internal.exchange.BodyEnd;
import io.posthaste.internal.exchange.Carrier;
import io.posthaste.internal.exchange.Exchange;
import io.posthaste.internal.exchange.ExchangeSpec;
import io.posthaste.internal.exchange.FramedRequest;
import io.posthaste.internal.exchange.ResponseHead;
import io.posthaste.internal.exchange.ResponseTrailers;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/3 request stream: the {@link Carrier} of one exchange on an {@link Http3Connection}. It
 * writes the request as HEADERS and DATA frames and ends it with the stream's FIN, and turns what
 * arrives into the exchange's messages: interim and final heads, DATA as body pieces, the FIN as
 * {@link BodyEnd}; a trailer section becomes {@link ResponseTrailers}.
 *
 * <p>Flow control follows the reader: while a streamed body's reader is behind
 * ({@link #pauseReading}) the stream stops reading, so QUIC grants the server no more credit and
 * it can send at most one stream window ({@value Http3Connection#STREAM_WINDOW} bytes) beyond
 * what the reader took.
 *
 * <p>How a stream ends decides what the exchange hears: a reset with H3_REQUEST_REJECTED before
 * any answer, a stream GOAWAY left out, or one that never opened means the server never
 * processed the request ({@link #unprocessed()}), and it goes again whatever its method; any
 * other reset fails the exchange naming the error code. Cancelling (the exchange ending while the
 * stream is open) resets the stream with H3_REQUEST_CANCELLED both ways.
 *
 * <p>Threading: {@link #encode} on any thread; everything else on the connection's event loop.
 */
public final class H3Stream implements Carrier {

    /** What QPACK counts per field beyond its name and value (RFC 9204 section 3.2.1). */
    private static final int FIELD_OVERHEAD = 32;

    private final Http3Connection connection;
    private Exchange exchange;
    private ExchangeSpec spec;
    private Attempt attempt;
    private FramedRequest<Http3Headers> request;
    private QuicStreamChannel stream;
    private H3Upload upload;
    private ScheduledFuture<?> timer;
    private long timerDeadline;
    private boolean reused;
    private boolean headReceived;
    private boolean ended;
    private boolean reset;
    private boolean unprocessed;
    private boolean paused;
    private long received;
    private long interim;
    private long lastReadNanos;
    private volatile boolean writable;

    H3Stream(Http3Connection connection) {
        this.connection = connection;
    }

    @Override
    public EventLoop eventLoop() {
        return connection.quic().eventLoop();
    }

    /** Returns the connection's buffer allocator. Any thread. */
    ByteBufAllocator alloc() {
        return connection.quic().alloc();
    }

    @Override
    public boolean isUsable() {
        return connection.isUsable();
    }

    @Override
    public boolean isOpen() {
        return connection.quic().isActive() && !reset && (stream == null || stream.isActive());
    }

    @Override
    public void pauseReading() {
        paused = true;
        if (stream != null) {
            stream.config().setAutoRead(false);
        }
    }

    @Override
    public void resumeReading() {
        paused = false;
        if (stream != null) {
            stream.config().setAutoRead(true);
        }
    }

    @Override
    public boolean isReused() {
        // Asked before bind() too (Attempt.begin): then whether the connection carried a stream.
        return exchange != null ? reused : connection.hasCarriedStreams();
    }

    @Override
    public boolean isReading() {
        return false; // A stream ending inside a read frees nothing another stream waits for.
    }

    @Override
    public boolean peerClosedAfterRest(long restNanos) {
        return false; // GOAWAY or CONNECTION_CLOSE says so on HTTP/3: the connection is then not usable.
    }

    @Override
    public boolean refusedUnread() {
        return false;
    }

    @Override
    public boolean unprocessed() {
        return unprocessed || stream != null && !headReceived && connection.goAwayExcludes(stream.streamId());
    }

    @Override
    public long receivedBytes() {
        return received;
    }

    @Override
    public long interimBytes() {
        return interim;
    }

    @Override
    public long lastReadNanos() {
        return lastReadNanos;
    }

    @Override
    public void checkWithin(long delayNanos) {
        long deadline = System.nanoTime() + delayNanos;
        if (timer != null) {
            if (timerDeadline - deadline <= 0) {
                return;
            }
            timer.cancel(false);
        }
        timerDeadline = deadline;
        timer = eventLoop()
                .schedule(
                        () -> {
                            timer = null;
                            Exchange current = exchange;
                            if (current != null) {
                                current.checkIdle();
                            }
                        },
                        delayNanos,
                        TimeUnit.NANOSECONDS);
    }

    @Override
    public void markBroken() {
        // A stream carries one exchange, and ending it while open resets it: nothing to keep from
        // reuse. A dead connection is QUIC's to find (its idle timeout and loss detection).
    }

    @Override
    public void bind(Exchange next, ExchangeSpec nextSpec) {
        exchange = next;
        spec = nextSpec;
        lastReadNanos = System.nanoTime();
        reused = connection.onBind(this);
    }

    @Override
    public void unbind(Exchange done) {
        if (exchange != done || done == null) {
            return;
        }
        exchange = null;
        connection.onUnbind(this);
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        FramedRequest<Http3Headers> pending = request;
        if (pending != null) {
            request = null;
            pending.discard(); // Never written: it was waiting for the stream to open.
        }
        H3Upload pump = upload;
        if (pump != null) {
            pump.signal(); // It finds the exchange over and stops.
        }
        if (stream != null && !reset && !(ended && stream.isOutputShutdown())) {
            reset = true;
            stream.shutdown(Http3ErrorCode.H3_REQUEST_CANCELLED.code()).addListener(f -> stream.close());
        } else if (stream != null && stream.isActive() && ended) {
            stream.close();
        }
    }

    @Override
    public Encoded encode(ExchangeSpec request) throws IOException {
        return H3Encoding.encode(request, connection.quic().alloc());
    }

    @Override
    public void write(Encoded encoded, Attempt writer) {
        attempt = writer;
        @SuppressWarnings("unchecked") // What H3Encoding made for this stream.
        FramedRequest<Http3Headers> made = (FramedRequest<Http3Headers>) encoded;
        request = made;
        String refused = connection.open(this);
        if (refused != null) {
            refused(refused);
        }
    }

    /** The stream could not open, so nothing of the request reached the server: it may go again. */
    void refused(String why) {
        unprocessed = true;
        FramedRequest<Http3Headers> pending = request;
        request = null;
        if (pending != null) {
            pending.discard();
        }
        Exchange current = exchange;
        if (current != null) {
            current.onFailure(new IOException("HTTP/3 stream not opened: " + why));
        }
    }

    /** Opens the request stream and writes the head (and an in-memory body). Event loop. */
    void openNow() {
        if (exchange == null) {
            return;
        }
        Http3.newRequestStream(connection.quic(), new Handler()).addListener(f -> {
            if (!f.isSuccess()) {
                refused(String.valueOf(f.cause()));
                return;
            }
            QuicStreamChannel opened = (QuicStreamChannel) f.getNow();
            if (exchange == null) {
                opened.close(); // Cancelled while it opened: nothing was written.
                return;
            }
            stream = opened;
            if (paused) {
                stream.config().setAutoRead(false);
            }
            writeHead();
        });
    }

    private void writeHead() {
        FramedRequest<Http3Headers> encoded = request;
        request = null;
        Attempt writer = attempt;
        ByteBuf data = encoded.takeData();
        boolean whole = !encoded.bodyFollows();
        ChannelFuture last = stream.write(new DefaultHttp3HeadersFrame(encoded.headers()));
        last.addListener(f -> {
            if (f.isSuccess()) {
                writer.onBytesMayHaveLeft();
            } else if (!whole) {
                writer.onWritten(f.cause()); // A whole request reports its end once, below.
            }
        });
        if (data != null) {
            int bytes = data.readableBytes();
            last = stream.write(new DefaultHttp3DataFrame(data));
            last.addListener(f -> {
                if (f.isSuccess() && bytes > 0) {
                    writer.onBodyBytesWritten(bytes);
                }
            });
        }
        stream.flush();
        if (whole) {
            finish(last, writer);
            return;
        }
        writable = stream.isWritable();
        H3Upload pump = upload;
        if (pump != null) {
            pump.signal();
        }
    }

    /** Ends the request with FIN once {@code lastWrite} is done; reports it to {@code writer}. */
    private void finish(ChannelFuture lastWrite, Attempt writer) {
        lastWrite.addListener(f -> {
            if (!f.isSuccess()) {
                writer.onWritten(f.cause());
                return;
            }
            stream.shutdownOutput().addListener(done -> {
                if (done.isSuccess()) {
                    writer.onActivity();
                }
                writer.onWritten(done.cause());
            });
        });
    }

    @Override
    public void sendBody(ExchangeSpec body, Attempt writer) {
        upload = H3Upload.start(this, writer, body, connection.blocking());
    }

    /** Returns whether the stream can take more DATA now. Any thread. */
    boolean isWritable() {
        return writable;
    }

    /** Writes a piece of a body from {@link H3Upload} ({@code last}: then the FIN). Event loop. */
    void writeData(ByteBuf data, boolean last) {
        if (exchange == null || reset || stream == null) {
            data.release();
        } else {
            Attempt writer = attempt;
            int bytes = data.readableBytes();
            ChannelFuture written =
                    bytes > 0 ? stream.write(new DefaultHttp3DataFrame(data)) : stream.newSucceededFuture();
            if (bytes == 0) {
                data.release();
            }
            written.addListener(f -> {
                if (f.isSuccess()) {
                    writer.onActivity();
                    writer.onBodyBytesWritten(bytes);
                }
            });
            if (last) {
                stream.flush();
                finish(written, writer);
            } else {
                stream.flush();
                written.addListener(f -> {
                    if (!f.isSuccess()) {
                        writer.onWritten(f.cause());
                    }
                });
            }
            writable = stream.isWritable();
        }
        H3Upload pump = upload;
        if (pump != null) {
            pump.onWriteQueued();
        }
    }

    /** Returns whether nobody waits for the stream's request any more. Any thread. */
    boolean isAbandoned() {
        Attempt writer = attempt;
        return reset || writer == null || writer.isAbandoned();
    }

    private void onWritabilityChanged() {
        writable = stream != null && stream.isWritable();
        if (writable && attempt != null) {
            attempt.onActivity(); // The server took bytes: the write timeout starts again.
        }
        H3Upload pump = upload;
        if (pump != null) {
            pump.signal();
        }
    }

    private void onHeaders(Http3Headers headers) {
        lastReadNanos = System.nanoTime();
        long size = size(headers);
        received += size;
        Exchange current = exchange;
        if (current == null) {
            return;
        }
        try {
            if (headReceived) {
                current.onMessage(new ResponseTrailers(H3Heads.fields(headers, connection.maxHeaders())));
                return;
            }
            ResponseHead head = H3Heads.head(headers, connection.maxHeaders());
            if (head.isInterim()) {
                interim += size;
            } else {
                headReceived = true;
            }
            current.onMessage(head);
        } catch (Http3Exception malformed) {
            onMalformed(malformed);
        }
    }

    private void onData(ByteBuf content) {
        lastReadNanos = System.nanoTime();
        received += content.readableBytes();
        Exchange current = exchange;
        if (current != null && content.isReadable()) {
            current.onMessage(content); // The exchange releases what it is given.
        } else {
            content.release();
        }
    }

    private void onInputClosed() {
        Exchange current = exchange;
        if (current == null || reset) {
            return;
        }
        if (!headReceived) {
            current.onFailure(new IOException("the server ended the HTTP/3 stream without a response"));
            return;
        }
        ended = true;
        current.onMessage(BodyEnd.INSTANCE);
    }

    /** The peer reset the stream with {@code code}. */
    private void onReset(long code) {
        reset = true;
        Exchange current = exchange;
        if (current == null || ended && code == Http3ErrorCode.H3_NO_ERROR.code()) {
            return; // NO_ERROR after a whole answer: "stop sending the body" (RFC 9114 section 4.1).
        }
        if (code == Http3ErrorCode.H3_REQUEST_REJECTED.code() && !headReceived) {
            unprocessed = true;
            current.onFailure(new IOException(
                    "the server rejected the HTTP/3 request stream " + "(H3_REQUEST_REJECTED): it was not processed"));
            return;
        }
        current.onFailure(new ClientConnectionException(
                spec.describe() + ": the server reset the HTTP/3 "
                        + "stream with " + errorName(code) + (headReceived ? " after the response began" : "")
                        + " (the request may have been processed)",
                null,
                false,
                true));
    }

    private void onMalformed(Http3Exception error) {
        Exchange current = exchange;
        if (current != null) {
            current.onFailure(new ClientPayloadException(
                    spec.describe() + ": malformed HTTP/3 response ("
                            + errorName(error.errorCode().code()) + "): " + error.getMessage(),
                    error));
        }
        if (stream != null && !reset) {
            reset = true;
            stream.shutdown(error.errorCode().code()).addListener(f -> stream.close());
        }
    }

    /** The stream closed: both ends finished, or it was reset, or the connection went. */
    private void onClosed() {
        Exchange current = exchange;
        if (current == null || reset || ended) {
            return;
        }
        if (stream != null && !headReceived && connection.goAwayExcludes(stream.streamId())) {
            unprocessed = true;
            current.onFailure(new IOException("the server will not process the HTTP/3 stream (GOAWAY with "
                    + "stream id " + connection.goAwayStreamId() + ")"));
            return;
        }
        Throwable failure = connection.failure();
        if (failure != null) {
            current.onFailure(new ClientConnectionException(
                    spec.describe() + ": " + failure.getMessage()
                            + (headReceived ? "" : " (the request may have been processed)"),
                    failure,
                    false,
                    true));
        } else {
            current.onConnectionClosed();
        }
    }

    /** Names an HTTP/3 error code: its name and hex value, or the hex value of an unknown one. */
    static String errorName(long code) {
        for (Http3ErrorCode known : Http3ErrorCode.values()) {
            if (known.code() == code) {
                return known.name() + " (0x" + Long.toHexString(code) + ")";
            }
        }
        return "(0x" + Long.toHexString(code) + ")";
    }

    private static long size(Http3Headers headers) {
        long size = 0;
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            size += field.getKey().length() + field.getValue().length() + FIELD_OVERHEAD;
        }
        return size;
    }

    @Override
    public String toString() {
        return "H3Stream[" + (stream == null ? "-" : stream.streamId()) + " on " + connection + "]";
    }

    /** The stream's pipeline end: frames, the FIN, resets and writability to this carrier. */
    private final class Handler extends Http3RequestStreamInboundHandler {
        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
            onHeaders(frame.headers());
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
            onData(frame.content());
        }

        @Override
        protected void channelInputClosed(ChannelHandlerContext ctx) {
            onInputClosed();
        }

        @Override
        protected void handleQuicException(ChannelHandlerContext ctx, QuicException exception) {
            if (exception instanceof QuicStreamResetException resetByPeer) {
                onReset(resetByPeer.applicationProtocolCode());
                ctx.close();
                return;
            }
            Exchange current = exchange;
            if (current != null) {
                current.onFailure(new IOException("HTTP/3 stream failed: " + exception.getMessage(), exception));
            }
            ctx.close();
        }

        @Override
        protected void handleHttp3Exception(ChannelHandlerContext ctx, Http3Exception exception) {
            onMalformed(exception);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            onWritabilityChanged();
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onClosed();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof QuicException || cause instanceof Http3Exception) {
                super.exceptionCaught(ctx, cause);
                return;
            }
            Exchange current = exchange;
            if (current != null) {
                current.onFailure(cause);
            }
            ctx.close();
        }
    }
}
