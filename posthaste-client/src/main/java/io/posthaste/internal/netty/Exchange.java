package io.posthaste.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.posthaste.ClientException;
import io.posthaste.ClientPayloadException;
import io.posthaste.ClientTimeoutException;
import io.posthaste.Headers;
import io.posthaste.Response;
import io.posthaste.Event;
import io.posthaste.EventListener;
import io.posthaste.internal.Bridge;
import io.posthaste.internal.chain.Deadline;
import io.posthaste.internal.chain.Events;
import io.posthaste.internal.codec.BodyDecoder;
import io.posthaste.internal.codec.HttpSemantics;
import io.posthaste.internal.codec.StreamBody;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request and its response over one connection at a time (and a second connection if the
 * first turns out to be stale). It acquires a connection, writes the request, reads the response
 * head and body, watches every timeout, and on every way out releases what it holds exactly once:
 * the connection (back to the pool only if the exchange ended cleanly), buffers, the decoder, the
 * timers and any stream of the request body.
 *
 * <p>Once a connection is bound, all state changes happen on its event loop. The result future is
 * completed there too. That loop is a shared one, or the calling thread's own {@link CallerLoop}
 * when a platform thread calls {@code send()}: then the caller runs the whole exchange itself.
 */
final class Exchange {

    private static final byte[] EMPTY = new byte[0];

    /** How long a body waits for {@code 100 Continue} before it is sent anyway (as curl does). */
    private static final long CONTINUE_WAIT_MILLIS = 1000;

    /**
     * Interim (1xx) heads are bounded by bytes and time, not by count: a server may send
     * {@code 102 Processing} every few seconds through a long operation, while a flood of them
     * is cut off. They may take this many bytes, plus {@link #INTERIM_BYTES_PER_SECOND} for each
     * second since the request went out.
     */
    private static final int MAX_INTERIM_BYTES = 64 * 1024;
    private static final int INTERIM_BYTES_PER_SECOND = 1024;

    /**
     * Attempts made again on a new connection after one failed before its response began (the
     * connection was stale, or nothing was sent). Bounded so that a server that closes every
     * connection at once cannot keep a call going round.
     */
    private static final int MAX_SILENT_RETRIES = 2;

    /** How long a connection rests before a non-idempotent request asks the kernel if it closed. */
    private static final long PEER_CHECK_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final NettyExchanger engine;
    private final ExchangeSpec spec;
    private final CompletableFuture<Response> result;
    private final Deadline deadline;
    private boolean cleaned;
    private boolean bodyEnded;
    private boolean bodySkipped;

    private volatile HttpConnection connection;
    private volatile CompletableFuture<HttpConnection> pendingAcquire;
    private volatile BodyPump pump;
    private ScheduledFuture<?> totalTimer;
    private int silentRetries;
    private boolean failing;

    // Event-loop state of the current attempt.
    private boolean writing;
    private boolean requestWritten;
    /** Whether a byte of the request may have reached the server on the current connection. */
    private boolean bytesMayHaveLeft;
    /** Whether the current connection carried exchanges before this one. */
    private boolean reusedConnection;
    /** Why writing the request failed, while the exchange waits for what the server said. */
    private Throwable writeFailure;
    private long writeStartNanos;
    private volatile long lastActivityNanos;
    private boolean responseStarted;
    private int status;
    private String reason;
    private Headers headers;
    private String version;
    private boolean keepAlive;
    private BodyDecoder decoder;
    private Progress upload;
    private Runnable heldBody;
    private ScheduledFuture<?> continueTimer;
    private Progress download;
    private byte[] body;
    private int bodySize;
    private ResponseBodyStream stream;

    Exchange(NettyExchanger engine, ExchangeSpec spec, CompletableFuture<Response> result,
            Deadline deadline) {
        this.engine = engine;
        this.spec = spec;
        this.result = result;
        this.deadline = deadline;
    }

    boolean isDone() {
        return result.isDone();
    }

    /** Starts the exchange. Any thread. */
    void start() {
        if (deadline.isSet()) {
            // The call's one deadline: an earlier hop or retry may have used most of it.
            long remaining = deadline.remainingNanos();
            if (remaining <= 0) {
                result.completeExceptionally(timeout(ClientTimeoutException.Phase.TOTAL, deadline.total()));
                discardBody();
                return;
            }
            totalTimer = engine.timerLoop().schedule(() -> fail(timeout(ClientTimeoutException.Phase.TOTAL,
                    deadline.total())), remaining, TimeUnit.NANOSECONDS);
        }
        acquire(false);
    }

    private void acquire(boolean fresh) {
        Origin origin = Origin.of(spec.url());
        HttpConnection idle = fresh ? null : engine.pollIdle(origin);
        if (idle != null) {
            onAcquired(idle, null); // the common case under load: no future to make
            return;
        }
        CompletableFuture<HttpConnection> acquiring = engine.acquire(origin, spec.timeouts(), fresh);
        pendingAcquire = acquiring;
        if (acquiring.isDone() && !acquiring.isCompletedExceptionally()) {
            onAcquired(acquiring.join(), null);
        } else {
            acquiring.whenComplete(this::onAcquired);
        }
    }

    private void onAcquired(HttpConnection acquired, Throwable failure) {
        if (failure != null) {
            fail(engine.translate(spec, failure, ClientTimeoutException.Phase.POOL_ACQUIRE, false));
            return;
        }
        connection = acquired;
        EventListener events = engine.config().eventListener();
        if (events != null) {
            Events.emit(events, Event.Type.CONNECTION_ACQUIRED, spec.request(), acquired.toString());
        }
        if (result.isDone()) {
            runOnLoop(acquired.eventLoop(), () -> release(true));
            return;
        }
        prepareAndWrite(acquired);
    }

    private void prepareAndWrite(HttpConnection conn) {
        boolean zeroCopy = !spec.url().isHttps();
        // With Expect: 100-continue the head goes alone and the body waits: the pump path does that.
        boolean nonBlocking = !spec.expectsContinue()
                && RequestWriter.isNonBlocking(spec.body(), zeroCopy);
        List<Object> messages;
        int[] headLength = {0};
        try {
            messages = nonBlocking ? RequestWriter.encode(spec, conn.channel().alloc(), headLength)
                    : List.of(RequestWriter.encodeHead(spec, conn.channel().alloc()));
        } catch (IOException | RuntimeException e) {
            fail(new ClientPayloadException("cannot encode the body of " + spec.describe() + ": "
                    + e.getMessage(), e));
            runOnLoop(conn.eventLoop(), () -> release(true));
            return;
        }
        if (!runOnLoop(conn.eventLoop(), () -> write(conn, messages, nonBlocking, headLength[0]))) {
            messages.forEach(ReferenceCountUtil::safeRelease);
        }
    }

    private void write(HttpConnection conn, List<Object> messages, boolean nonBlocking, int headLength) {
        if (result.isDone()) {
            messages.forEach(ReferenceCountUtil::safeRelease);
            release(true);
            return;
        }
        if (conn.isReading()) {
            // Handed over in the middle of a read (the last exchange ended in it): whatever else
            // that read brought is decoded first, and closes the connection if it was more than
            // the response (security checklist 47).
            conn.eventLoop().execute(() -> write(conn, messages, nonBlocking, headLength));
            return;
        }
        reusedConnection = conn.isReused();
        if (!conn.isUsable() || reusedConnection && !spec.retryable()
                && conn.nanosSinceLastExchange() >= PEER_CHECK_AFTER_NANOS && conn.peerHasClosed()) {
            // Closed before a byte of this request went out: any request may go again. The
            // kernel is asked only for requests that a stale connection could not retry, and only
            // after a rest of a second (a busy connection pays no system call); a close racing a
            // prompt reuse is caught after the write, by the reset that refuses it (refusedUnread).
            messages.forEach(ReferenceCountUtil::safeRelease);
            onAttemptFailed(new java.nio.channels.ClosedChannelException());
            return;
        }
        try {
            writeRequest(conn, messages, nonBlocking, headLength);
        } catch (RuntimeException e) {
            // Never left to the event loop to log: the call would never complete.
            fail(engine.translate(spec, e, ClientTimeoutException.Phase.WRITE, bytesMayHaveLeft));
        }
    }

    private void writeRequest(HttpConnection conn, List<Object> messages, boolean nonBlocking,
            int headLength) {
        conn.attach(this);
        conn.decoder().expectResponse(spec.isHead());
        Channel channel = conn.channel();
        writing = true;
        lastActivityNanos = System.nanoTime();
        writeStartNanos = lastActivityNanos;
        // Through TLS a failed write cannot show that no record left: count it as sent.
        bytesMayHaveLeft = spec.url().isHttps();
        armWatchdog(Math.min(spec.timeouts().write().toNanos(), spec.timeouts().read().toNanos()));
        io.posthaste.internal.chain.ProgressListeners listeners = spec.progress();
        upload = listeners == null ? null : Progress.of(listeners.upload(),
                spec.framing() == ExchangeSpec.Framing.LENGTH ? spec.declaredLength() : -1);
        ChannelFuture last = null;
        for (int i = 0; i < messages.size(); i++) {
            Object message = messages.get(i);
            if (message instanceof io.netty.channel.FileRegion) {
                // A file goes out as one message: only progress events show the server is taking it.
                io.netty.channel.ChannelProgressivePromise promise = channel.newProgressivePromise();
                promise.addListener(new WriteProgress());
                last = channel.write(message, promise);
            } else {
                long bodyBytes = ((ByteBuf) message).readableBytes() - (i == 0 ? headLength : 0);
                // The head's write says whether any byte left; when it is all the request (the
                // common case) the same listener also ends the writing: one object, one listener.
                last = i == 0 ? channel.write(message, channel.newProgressivePromise()
                        .addListener(new HeadWritten(conn, nonBlocking && messages.size() == 1)))
                        : channel.write(message);
                if (upload != null && nonBlocking && bodyBytes > 0) {
                    last.addListener(f -> {
                        if (f.isSuccess()) {
                            upload.add(bodyBytes);
                        }
                    });
                }
            }
        }
        channel.flush();
        if (nonBlocking && messages.size() > 1) {
            last.addListener(written -> onRequestWritten(conn, written));
        } else if (!nonBlocking) {
            BodyPump bodyPump = new BodyPump(this, channel,
                    spec.framing() == ExchangeSpec.Framing.CHUNKED, spec.declaredLength());
            pump = bodyPump;
            Runnable send = () -> engine.transport().blockingExecutor().execute(() -> {
                try {
                    bodyPump.pump(spec.body()).addListener(written -> onRequestWritten(conn, written));
                } catch (IOException | RuntimeException e) {
                    fail(new ClientPayloadException("cannot send the body of " + spec.describe()
                            + ": " + e.getMessage(), e));
                }
            });
            if (spec.expectsContinue()) {
                heldBody = send;
                continueTimer = channel.eventLoop().schedule(this::sendHeldBody,
                        CONTINUE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                send.run();
            }
        }
    }

    /** Sends a body held for {@code 100 Continue}: the 100 came, or the wait is over. Event loop. */
    private void sendHeldBody() {
        Runnable send = heldBody;
        heldBody = null;
        if (continueTimer != null) {
            continueTimer.cancel(false);
            continueTimer = null;
        }
        if (send != null && !cleaned) {
            send.run();
        }
    }

    private void onRequestWritten(HttpConnection conn, io.netty.util.concurrent.Future<? super Void> written) {
        if (conn != connection) {
            return;
        }
        if (!written.isSuccess()) {
            onWriteFailed(conn, written.cause());
            return;
        }
        writing = false;
        requestWritten = true;
        lastActivityNanos = System.nanoTime();
        if (upload != null) {
            upload.finish();
        }
        EventListener events = engine.config().eventListener();
        if (events != null) {
            Events.emit(events, Event.Type.REQUEST_HEADERS_SENT, spec.request(), null);
            if (spec.body() != null) {
                Events.emit(events, Event.Type.REQUEST_BODY_SENT, spec.request(), null, 0,
                        Math.max(spec.declaredLength(), 0), null);
            }
        }
    }

    /**
     * Writing the request failed. If no byte left, the attempt failed silently and may go again;
     * otherwise the exchange still waits for the server's answer, which may have been sent before
     * it stopped reading (an early 413 or 401 and a reset: security checklist 25). The read side
     * then ends the exchange: with that answer, with the connection's end, or with the read
     * timeout. Event loop.
     */
    private void onWriteFailed(HttpConnection conn, Throwable cause) {
        if (cleaned || result.isDone() && stream == null) {
            return;
        }
        writing = false;
        if (!bytesMayHaveLeft || !conn.channel().isActive()) {
            if (!responseStarted) {
                onAttemptFailed(cause);
            }
            return;
        }
        writeFailure = cause;
        conn.markBroken();
    }

    /**
     * The attempt failed before its response began: the connection closed or was reset, or the
     * request could not be written. It goes again on a new connection when that is safe — any
     * request of which no byte left, an idempotent one with a replayable body when the
     * connection had carried exchanges before (the server closed it while it was idle) — and
     * fails otherwise, saying whether the server may have processed it. Event loop of the
     * connection, if one is bound.
     */
    private void onAttemptFailed(Throwable cause) {
        if (result.isDone()) {
            return;
        }
        if (mayGoAgain(refusedUnread())) {
            silentRetries++;
            HttpConnection conn = connection;
            if (conn != null) {
                conn.detach(this);
                engine.release(conn, false);
                connection = null;
            }
            writing = false;
            requestWritten = false;
            bytesMayHaveLeft = false;
            writeFailure = null;
            pump = null;
            acquire(true);
            return;
        }
        fail(engine.translate(spec, cause, ClientTimeoutException.Phase.CONNECT, bytesMayHaveLeft));
    }

    /**
     * Returns whether the server provably never read the request on a reused connection: nothing
     * of an answer came, the server's FIN came, and then its kernel reset the connection — which
     * it does for bytes that arrive after its application closed the socket. This is the race of
     * a server closing a kept-alive connection just as the request goes out on it. A reset alone
     * proves nothing: a server may read a request and then abort the connection.
     */
    private boolean refusedUnread() {
        HttpConnection conn = connection;
        return conn != null && conn.decoder().received() == 0 && conn.peerReset();
    }

    /**
     * The one rule for a failed attempt going again on a new connection, given whether the server
     * provably left the request unread (see {@link #refusedUnread}).
     */
    private boolean mayGoAgain(boolean refusedUnread) {
        if (silentRetries >= MAX_SILENT_RETRIES) {
            return false;
        }
        boolean replayable = spec.body() == null || spec.body().isReplayable();
        return bytesMayHaveLeft
                ? reusedConnection && (spec.retryable() || replayable && refusedUnread)
                : pump == null || replayable;
    }

    /**
     * Returns whether this exchange could go again only if the server turned out to have closed
     * the connection with the request unread: the connection then closes once that is known.
     * Event loop.
     */
    boolean awaitsResetVerdict() {
        HttpConnection conn = connection;
        return !result.isDone() && !responseStarted && conn != null && conn.decoder().received() == 0
                && !mayGoAgain(false) && mayGoAgain(true);
    }

    /** {@code bytes} of the body handed over by the pump were taken by the network. Event loop. */
    void onBodyBytesWritten(long bytes) {
        if (upload != null) {
            upload.add(bytes);
        }
    }

    /** The pump made progress: the server is taking the body. */
    void onWriteProgress() {
        lastActivityNanos = System.nanoTime();
    }

    void onWritabilityChanged() {
        lastActivityNanos = System.nanoTime();
        BodyPump current = pump;
        if (current != null) {
            current.signalWritable();
        }
    }

    void onReadResumed() {
        lastActivityNanos = System.nanoTime();
    }

    /** A response message arrived: a head, a piece of body, or the end. Event loop. */
    void onMessage(Object msg) {
        try {
            if (result.isDone() && stream == null) {
                return;
            }
            lastActivityNanos = System.nanoTime();
            if (msg instanceof ByteBuf content) {
                if (responseStarted) {
                    onContent(content);
                }
            } else if (msg instanceof ResponseHead head) {
                onHead(head);
            } else if (msg == BodyEnd.INSTANCE && responseStarted) {
                onEnd();
            }
        } catch (IOException e) {
            fail(new ClientPayloadException("broken response body from " + spec.describe() + ": "
                    + e.getMessage(), e));
        } catch (ClientException e) {
            fail(e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(ResponseHead head) throws IOException {
        if (head.isInterim()) {
            if (head.status() == 100 && heldBody != null) {
                sendHeldBody();
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - writeStartNanos);
            long allowed = MAX_INTERIM_BYTES + seconds * INTERIM_BYTES_PER_SECOND;
            if (connection.decoder().interimBytes() > allowed) {
                throw new ClientPayloadException("malformed response to " + spec.describe()
                        + ": more than " + allowed + " bytes of interim (1xx) responses in "
                        + seconds + " s", null);
            }
            return;
        }
        int code = head.status();
        responseStarted = true;
        Events.emit(engine.config().eventListener(), Event.Type.RESPONSE_HEADERS_RECEIVED,
                spec.request(), null, code, 0, null);
        if (heldBody != null) {
            // A final answer before 100 Continue: the body is never sent, and since the server
            // may still expect it, the connection cannot carry another request.
            heldBody = null;
            continueTimer.cancel(false);
            continueTimer = null;
            writing = false;
            requestWritten = true;
            bodySkipped = true;
            discardBody();
            if (upload != null) {
                upload.finish();
            }
        }
        status = code;
        reason = head.reason();
        version = head.version();
        keepAlive = head.keepAlive() && !bodySkipped;
        headers = Bridge.get().trustedHeaders(head.headers());
        boolean bodyless = spec.isHead() || code == 204 || code == 304;
        // A redirect's body is kept raw and small: it is never decoded (no bomb in a 3xx).
        boolean redirect = spec.followRedirects() && HttpSemantics.isRedirect(code) && head.header("Location") != null;
        String encoding = bodyless || redirect || !spec.decompress() ? null
                : head.header("Content-Encoding");
        boolean buffered = !spec.streaming() || (spec.raiseForStatus() && code >= 400) || redirect;
        if (encoding != null) {
            decoder = BodyDecoder.forHeader(encoding, buffered ? spec.maxBodySize() : -1);
        }
        io.posthaste.internal.chain.ProgressListeners listeners = spec.progress();
        if (listeners != null && !redirect) {
            download = Progress.of(listeners.download(),
                    bodyless ? 0 : decoder != null ? -1 : head.contentLength());
        }
        if (buffered) {
            long length = bodyless || decoder != null ? -1 : head.contentLength();
            if (length > spec.maxBodySize()) {
                throw tooLarge();
            }
            body = length == 0 ? EMPTY : new byte[length > 0 ? (int) length : 512];
        } else {
            stream = new ResponseBodyStream(connection.channel(), this);
            Response streamed = Bridge.get().streamedResponse(spec.request(), status, reason, headers,
                    version, stream, stream::close, engine.config().jsonCodec(),
                    engine.config().checkJsonContentType());
            if (!result.complete(streamed)) {
                stream.close();
            }
        }
    }

    private void onContent(ByteBuf content) throws IOException {
        int readable = content.readableBytes();
        if (readable == 0) {
            return;
        }
        if (decoder != null) {
            byte[] input = new byte[readable];
            content.readBytes(input);
            decoder.feed(input, 0, readable, this::accept);
        } else if (stream != null) {
            byte[] piece = new byte[readable];
            content.readBytes(piece);
            stream.offer(piece);
            if (download != null) {
                download.add(readable);
            }
        } else {
            ensureCapacity(readable);
            content.readBytes(body, bodySize, readable);
            bodySize += readable;
            if (download != null) {
                download.add(readable);
            }
        }
    }

    private void accept(byte[] piece) {
        if (download != null) {
            download.add(piece.length);
        }
        if (stream != null) {
            stream.offer(piece);
            return;
        }
        ensureCapacity(piece.length);
        System.arraycopy(piece, 0, body, bodySize, piece.length);
        bodySize += piece.length;
    }

    private void ensureCapacity(int more) {
        long needed = (long) bodySize + more;
        if (needed > spec.maxBodySize()) {
            throw tooLarge();
        }
        if (needed > body.length) {
            long grown = Math.max(needed, Math.min((long) body.length * 2, spec.maxBodySize()));
            body = java.util.Arrays.copyOf(body, (int) Math.min(grown, Integer.MAX_VALUE - 8));
        }
    }

    private ClientPayloadException tooLarge() {
        return new ClientPayloadException("response body of " + spec.describe()
                + " exceeds the limit of " + spec.maxBodySize() + " bytes", null);
    }

    private void onEnd() throws IOException {
        if (decoder != null) {
            decoder.finish();
        }
        if (download != null) {
            download.finish();
        }
        Events.emit(engine.config().eventListener(), Event.Type.RESPONSE_BODY_RECEIVED, spec.request(),
                null, status, stream != null ? 0 : bodySize, null);
        boolean reusable = keepAlive && requestWritten;
        if (stream != null) {
            stream.end();
            bodyEnded = true;
            finishTimers();
            if (!reusable) {
                connection.markBroken();
            }
            return;
        }
        byte[] bytes = bodySize == body.length ? body : java.util.Arrays.copyOf(body, bodySize);
        Response response = Bridge.get().response(spec.request(), status, reason, headers, version,
                bytes, java.util.List.of(), engine.config().jsonCodec(),
                engine.config().checkJsonContentType());
        body = null;
        release(reusable);
        result.complete(response);
    }

    /** The reader closed the streamed body; {@code complete} if it had read all of it. Any thread. */
    void onStreamClosed(boolean complete) {
        HttpConnection conn = connection;
        runOnLoop(conn.eventLoop(), () -> release(complete && keepAlive && requestWritten
                && conn.isUsable()));
    }

    /** The connection closed while this exchange was bound to it. Event loop. */
    void onConnectionClosed() {
        if (responseStarted) {
            // The answer had begun: its body is what was lost, so this is a payload error, and a
            // streaming reader gets it as its IOException's cause.
            fail(new ClientPayloadException(spec.describe() + ": the server closed the connection "
                    + "before the end of the body", null));
            return;
        }
        onAttemptFailed(writeFailure != null ? writeFailure
                : new java.nio.channels.ClosedChannelException());
    }

    /** The connection failed. Event loop. */
    void onFailure(Throwable cause) {
        if (!responseStarted && cause instanceof IOException) {
            // Lost (reset, broken pipe) before the answer began: perhaps a stale connection.
            onAttemptFailed(writeFailure != null ? writeFailure : cause);
            return;
        }
        // fail() hands a streaming reader the translated error as the cause of its IOException.
        fail(engine.translate(spec, cause, ClientTimeoutException.Phase.CONNECT,
                bytesMayHaveLeft || responseStarted));
    }

    /** Aborts the exchange (the caller cancelled). Any thread. */
    void cancel() {
        HttpConnection conn = connection;
        if (conn != null) {
            runOnLoop(conn.eventLoop(), () -> release(false));
        } else {
            abandonAcquire();
        }
    }

    /** Gives up before any connection was bound: the wait, the body's stream, the timer. */
    private void abandonAcquire() {
        CompletableFuture<HttpConnection> acquiring = pendingAcquire;
        if (acquiring != null) {
            acquiring.cancel(false);
        }
        discardBody();
        cancelTotalTimer();
    }

    /**
     * Fails the exchange with {@code error}, if it is not over yet. Any thread. The connection is
     * released before the caller is woken, so a caller that sees the failure finds the pool whole.
     */
    void fail(ClientException error) {
        if (stream != null) {
            stream.fail(new IOException(error.getMessage(), error));
        } else if (result.isDone()) {
            return;
        }
        HttpConnection conn = connection;
        if (conn != null) {
            runOnLoop(conn.eventLoop(), () -> {
                if (failing) {
                    return;
                }
                // Closing the channel fails its pending writes; those echoes must not replace
                // the error that caused the close.
                failing = true;
                release(false);
                result.completeExceptionally(error);
            });
            return;
        }
        result.completeExceptionally(error);
        abandonAcquire();
    }

    /** Releases everything this exchange holds, once. Event loop of the bound connection. */
    private void release(boolean reusable) {
        if (cleaned) {
            return;
        }
        cleaned = true;
        finishTimers();
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        body = null;
        HttpConnection conn = connection;
        if (conn != null) {
            conn.detach(this);
            engine.release(conn, reusable && conn.isUsable());
            EventListener events = engine.config().eventListener();
            if (events != null) {
                Events.emit(events, Event.Type.CONNECTION_RELEASED, spec.request(), conn.toString());
            }
        }
        if (!requestWritten) {
            discardBody();
        }
        BodyPump current = pump;
        if (current != null) {
            current.signalWritable();
        }
    }

    private void discardBody() {
        if (spec.body() instanceof StreamBody streamBody) {
            streamBody.discard();
        }
    }

    private void finishTimers() {
        // The connection's timeout check outlives this exchange: it finds the next one, or none.
        cancelTotalTimer();
        if (continueTimer != null) {
            continueTimer.cancel(false);
            continueTimer = null;
        }
    }

    private void cancelTotalTimer() {
        ScheduledFuture<?> timer = totalTimer;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void armWatchdog(long delayNanos) {
        connection.checkWithin(delayNanos);
    }

    /** Fires the read or write timeout if nothing moved for that long; re-arms otherwise. */
    void checkIdle() {
        if (result.isDone() && stream == null || cleaned || bodyEnded) {
            return;
        }
        boolean paused = stream != null && stream.isPaused();
        Duration limit = writing ? spec.timeouts().write() : spec.timeouts().read();
        long idle = System.nanoTime() - Math.max(lastActivityNanos, connection.decoder().lastReadNanos());
        if (!paused && idle >= limit.toNanos()) {
            connection.markBroken();
            ClientTimeoutException error = timeout(writing ? ClientTimeoutException.Phase.WRITE
                    : ClientTimeoutException.Phase.READ, limit);
            if (stream != null) {
                stream.fail(new IOException(error.getMessage(), error));
            }
            fail(error);
            if (stream != null) {
                release(false);
            }
            return;
        }
        armWatchdog(paused ? limit.toNanos() : limit.toNanos() - idle);
    }

    private ClientTimeoutException timeout(ClientTimeoutException.Phase phase, Duration limit) {
        long received = connection == null ? 0 : connection.decoder().received();
        String what = switch (phase) {
            case READ -> received == 0 ? "no response bytes arrived for"
                    : "the response stalled after " + received + " bytes: nothing more arrived for";
            case WRITE -> "the server took no request bytes for";
            case TOTAL -> "the call (every redirect, retry and wait) did not finish within";
            default -> phase + " took longer than";
        };
        return new ClientTimeoutException(spec.describe() + ": " + what + " " + limit.toMillis()
                + " ms (" + phase + " timeout)", phase, limit);
    }

    /** Runs {@code task} on {@code loop}; false if the loop refused it (the call then failed). */
    private boolean runOnLoop(EventLoop loop, Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return true;
        }
        try {
            loop.execute(task);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // The session is closing and its loops take no more work: the call ends here rather
            // than wait for a task that will never run.
            result.completeExceptionally(engine.translate(spec,
                    new io.posthaste.internal.pool.ConnectionPool.PoolClosedException(),
                    ClientTimeoutException.Phase.CONNECT, bytesMayHaveLeft));
            abandonAcquire();
            return false;
        }
    }

    /**
     * Notes whether any byte of the request head reached the socket, for the retry decision, and
     * when the head is the whole request, that the request was written.
     */
    private final class HeadWritten implements io.netty.channel.ChannelProgressiveFutureListener {
        private final HttpConnection conn;
        private final boolean wholeRequest;

        HeadWritten(HttpConnection conn, boolean wholeRequest) {
            this.conn = conn;
            this.wholeRequest = wholeRequest;
        }

        @Override
        public void operationProgressed(io.netty.channel.ChannelProgressiveFuture future,
                long progress, long total) {
            bytesMayHaveLeft = true;
        }

        @Override
        public void operationComplete(io.netty.channel.ChannelProgressiveFuture future) {
            if (future.isSuccess()) {
                bytesMayHaveLeft = true;
            }
            if (wholeRequest) {
                onRequestWritten(conn, future);
            }
        }
    }

    /** Counts a zero-copy transfer's progress as write activity, for the write timeout. */
    private final class WriteProgress implements io.netty.channel.ChannelProgressiveFutureListener {
        private long regionReported;

        @Override
        public void operationProgressed(io.netty.channel.ChannelProgressiveFuture future,
                long progress, long total) {
            lastActivityNanos = System.nanoTime();
            if (upload != null) {
                upload.add(progress - regionReported);
                regionReported = progress;
            }
        }

        @Override
        public void operationComplete(io.netty.channel.ChannelProgressiveFuture future) {
            lastActivityNanos = System.nanoTime();
        }
    }
}
