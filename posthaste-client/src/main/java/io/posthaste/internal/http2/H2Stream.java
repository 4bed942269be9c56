package io.posthaste.internal.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
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

/**
 * One HTTP/2 stream: the {@link Carrier} of one exchange on an {@link Http2Connection}. It writes
 * the request as HEADERS and DATA, and turns what arrives on its stream into the exchange's
 * messages: interim and final heads, DATA as body pieces, END_STREAM as {@link BodyEnd}; a
 * trailer block becomes {@link ResponseTrailers} and ends the body.
 *
 * <p>Flow control follows the reader: DATA is returned to the peer's window as soon as it is
 * delivered, except while a streamed body's reader is behind ({@link #pauseReading}); those
 * bytes are returned when it catches up, so the peer can send at most one stream window
 * (1 MiB) more than the reader has taken.
 *
 * <p>How a stream ends decides what the exchange hears: a reset with REFUSED_STREAM before any
 * answer, or a GOAWAY that leaves the stream out, means the server never processed the request
 * ({@link #unprocessed()}), and it goes again whatever its method; any other reset fails the
 * exchange naming the error code. Cancelling (the exchange ending while the stream is open)
 * sends RST_STREAM(CANCEL).
 *
 * <p>Threading: {@link #encode} on any thread; everything else on the connection's event loop.
 */
public final class H2Stream implements Carrier {

    /** What HPACK counts per field beyond its name and value (RFC 7541 section 4.1). */
    private static final int FIELD_OVERHEAD = 32;

    private final Http2Connection connection;
    private Exchange exchange;
    private ExchangeSpec spec;
    private Attempt attempt;
    private Http2Stream stream;
    private H2Upload upload;
    private boolean reused;
    private boolean headReceived;
    private boolean ended;
    private boolean reset;
    private boolean unprocessed;
    private boolean paused;
    private int heldBytes;
    private long received;
    private long interim;
    private long lastReadNanos;
    private long checkDeadline;
    private volatile boolean writable = true;

    H2Stream(Http2Connection connection) {
        this.connection = connection;
    }

    @Override
    public EventLoop eventLoop() {
        return connection.channel().eventLoop();
    }

    /** Returns the connection's buffer allocator. Any thread. */
    ByteBufAllocator alloc() {
        return connection.channel().alloc();
    }

    @Override
    public boolean isUsable() {
        return connection.isUsable();
    }

    @Override
    public boolean isOpen() {
        return connection.channel().isActive()
                && !reset
                && (stream == null || stream.state() != Http2Stream.State.CLOSED);
    }

    @Override
    public void pauseReading() {
        paused = true;
    }

    @Override
    public void resumeReading() {
        paused = false;
        int held = heldBytes;
        heldBytes = 0;
        if (held > 0 && stream != null) {
            connection.consume(stream, held);
        }
    }

    @Override
    public boolean isReused() {
        // Asked before bind() too (Attempt.begin): then whether the connection carried a stream.
        return exchange != null ? reused : connection.hasCarriedStreams();
    }

    @Override
    public boolean isReading() {
        // A new stream waits for the read in progress to be processed (security checklist 47): a
        // frame it brings for the stream we would open next (an answer nobody asked for) must find
        // that stream idle, a connection error (RFC 9113 section 5.1.1), never this exchange's
        // answer. It matters for exchanges begun inside the read: a redirect or a retry followed
        // as the last answer is read, a waiter handed the stream that answer freed (which still
        // counts against the peer's limit until the read is over).
        return connection.isReading();
    }

    @Override
    public boolean peerClosedAfterRest(long restNanos) {
        return false; // GOAWAY says so on HTTP/2: a connection that received it is not usable.
    }

    @Override
    public boolean refusedUnread() {
        return false;
    }

    @Override
    public boolean unprocessed() {
        // Asked from the GOAWAY too: Netty fails the stream's pending writes before it says the
        // stream closed, and the exchange hears of those first.
        return unprocessed || stream != null && !headReceived && connection.goAwayExcludes(stream.id());
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
        checkDeadline = System.nanoTime() + delayNanos;
        connection.checkWithin(delayNanos);
    }

    /** Runs the exchange's timeout check if it is due at {@code now}; returns its next deadline, or 0. */
    long checkIfDue(long now) {
        if (checkDeadline != 0 && now - checkDeadline >= 0) {
            checkDeadline = 0;
            Exchange current = exchange;
            if (current != null) {
                current.checkIdle();
            }
        }
        return checkDeadline;
    }

    @Override
    public void markBroken() {
        // Nothing to keep from reuse: a stream carries one exchange, and ending it while open
        // resets it. But a stream whose answer stalled (its read or write timeout) may be the first
        // to find the connection dead: a PING tells, before the other streams wait as long.
        if (!ended && spec != null) {
            connection.checkAlive(spec.timeouts().read().toNanos());
        }
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
        H2Upload pump = upload;
        if (pump != null) {
            pump.signal(); // It finds the exchange over and stops.
        }
        if (stream != null && !reset && !finished()) {
            reset = true;
            connection.writes().reset(stream, Http2Error.CANCEL);
        }
    }

    /** Whether both sides ended the stream, or the peer ended it while ours is ending. */
    private boolean finished() {
        Http2Stream.State state = stream.state();
        return state == Http2Stream.State.CLOSED || ended && state == Http2Stream.State.HALF_CLOSED_LOCAL;
    }

    @Override
    public Encoded encode(ExchangeSpec request) throws IOException {
        return H2Encoding.encode(request, connection.channel().alloc(), connection);
    }

    @Override
    public void write(Encoded request, Attempt writer) {
        attempt = writer;
        @SuppressWarnings("unchecked") // What H2Encoding made for this stream.
        FramedRequest<H2Fields> encoded = (FramedRequest<H2Fields>) request;
        ByteBuf data = encoded.takeData();
        boolean endWithHeaders = data == null && !encoded.bodyFollows();
        Http2Exception refused =
                connection.writes().open(this, encoded.headers(), endWithHeaders, data, !encoded.bodyFollows(), writer);
        if (refused != null) {
            // The stream was never created, so nothing of it reached the server.
            unprocessed = true;
            exchange.onFailure(new IOException("HTTP/2 stream not opened: " + refused.getMessage(), refused));
        }
    }

    /** The stream was created for this exchange. */
    void opened(Http2Stream created) {
        stream = created;
    }

    @Override
    public void sendBody(ExchangeSpec request, Attempt writer) {
        upload = H2Upload.start(this, writer, request, connection.blocking());
    }

    /** Returns whether the stream's window and the connection can take more DATA. Any thread. */
    boolean isWritable() {
        return writable;
    }

    /** The flow controller's view of this stream changed. */
    void onWritabilityChanged() {
        writable = stream != null && connection.isWritable(stream);
        if (writable && attempt != null) {
            attempt.onActivity(); // The peer took bytes: the write timeout starts again.
        }
        H2Upload pump = upload;
        if (pump != null) {
            pump.signal();
        }
    }

    /** Writes a piece of a body from {@link H2Upload} ({@code last}: with END_STREAM). */
    void writeData(ByteBuf data, boolean last) {
        if (exchange == null || reset || stream == null) {
            data.release();
        } else {
            connection.writes().writeData(this, stream, data, last, attempt);
            writable = connection.isWritable(stream);
        }
        H2Upload pump = upload;
        if (pump != null) {
            pump.onWriteQueued();
        }
    }

    /** Returns whether nobody waits for the stream's request any more. Any thread. */
    boolean isAbandoned() {
        Attempt writer = attempt;
        return reset || writer == null || writer.isAbandoned();
    }

    /** A header block arrived: a head, or the trailers. */
    void onHeaders(Http2Headers headers, boolean endOfStream, H2Heads heads) throws Http2Exception {
        lastReadNanos = System.nanoTime();
        long size = size(headers);
        received += size;
        Exchange current = exchange;
        if (current == null) {
            return;
        }
        if (headReceived) {
            current.onMessage(new ResponseTrailers(heads.fields(stream.id(), headers)));
        } else {
            ResponseHead head = heads.head(stream.id(), headers);
            if (head.isInterim()) {
                if (endOfStream) {
                    // RFC 9113 section 8.1: an interim answer never ends a stream; the final one
                    // would never come, and the call would wait for it until its read timeout.
                    throw Http2Exception.streamError(
                            stream.id(),
                            Http2Error.PROTOCOL_ERROR,
                            "an interim (%d) response ended the stream",
                            head.status());
                }
                interim += size;
            } else {
                headReceived = true;
            }
            current.onMessage(head);
        }
        if (endOfStream) {
            end();
        }
    }

    /** DATA arrived; returns how many bytes go back to the peer's window now. */
    int onData(ByteBuf data, int padding, boolean endOfStream) throws Http2Exception {
        if (!headReceived && exchange != null) {
            // RFC 9113 section 8.1: the answer's HEADERS come first; a body without a head is no
            // answer, and waiting for one after it would end only at the read timeout.
            throw Http2Exception.streamError(
                    stream.id(), Http2Error.PROTOCOL_ERROR, "DATA before the response's HEADERS");
        }
        lastReadNanos = System.nanoTime();
        int length = data.readableBytes();
        received += length;
        Exchange current = exchange;
        if (current != null && length > 0) {
            current.onMessage(data.retain()); // The exchange releases what it is given.
        }
        int processed = padding + length;
        if (paused && exchange != null) {
            heldBytes += length; // Returned when the reader catches up (resumeReading).
            processed = padding;
        }
        if (endOfStream) {
            end();
        }
        return processed;
    }

    private void end() {
        ended = true;
        Exchange current = exchange;
        if (current != null) {
            current.onMessage(BodyEnd.INSTANCE);
        }
    }

    /** The peer reset the stream with {@code code}. */
    void onReset(long code) {
        reset = true;
        Exchange current = exchange;
        if (current == null || ended && code == Http2Error.NO_ERROR.code()) {
            return; // NO_ERROR after a whole answer: "stop sending the body" (RFC 9113 section 8.1).
        }
        if (code == Http2Error.REFUSED_STREAM.code() && !headReceived) {
            unprocessed = true;
            current.onFailure(new IOException(
                    "the server refused the HTTP/2 stream (REFUSED_STREAM): " + "it was not processed"));
            return;
        }
        current.onFailure(new ClientConnectionException(
                spec.describe() + ": the server reset the HTTP/2 "
                        + "stream with " + H2Heads.errorName(code) + (headReceived ? " after the response began" : "")
                        + " (the request may have been processed)",
                null,
                false,
                true));
    }

    /** This side found the stream's frames malformed; Netty resets it. */
    void onStreamError(Http2Exception error) {
        reset = true;
        Exchange current = exchange;
        if (current != null) {
            current.onFailure(new ClientPayloadException(
                    spec.describe() + ": malformed HTTP/2 response (" + error.error() + "): "
                            + H2Heads.describe(error, connection.maxHeaderListSize()),
                    error));
        }
    }

    /** Netty closed the stream: both ends finished, or it was reset, or the connection went. */
    void onClosed() {
        Exchange current = exchange;
        if (current == null || reset || ended) {
            return;
        }
        if (connection.goAwayExcludes(stream.id())) {
            unprocessed = true;
            current.onFailure(new IOException("the server will not process the HTTP/2 stream (GOAWAY "
                    + "with last stream " + connection.goAwayLastStreamId() + ")"));
            return;
        }
        Throwable failure = connection.failure();
        if (failure instanceof Http2Exception protocol) {
            current.onFailure(new ClientConnectionException(
                    spec.describe() + ": HTTP/2 connection error " + protocol.error() + ": "
                            + H2Heads.describe(protocol, connection.maxHeaderListSize()),
                    protocol,
                    false,
                    true));
        } else if (failure != null) {
            current.onFailure(failure);
        } else {
            current.onConnectionClosed();
        }
    }

    /** Fails the bound exchange (its write could not go out). */
    void onWriteFailed(Throwable cause) {
        Exchange current = exchange;
        if (current != null) {
            current.onFailure(cause);
        }
    }

    private static long size(Http2Headers headers) {
        long size = 0;
        for (java.util.Map.Entry<CharSequence, CharSequence> field : headers) {
            size += field.getKey().length() + field.getValue().length() + FIELD_OVERHEAD;
        }
        return size;
    }

    @Override
    public String toString() {
        return "H2Stream[" + (stream == null ? "-" : stream.id()) + " on " + connection + "]";
    }
}
