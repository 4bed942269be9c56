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

    /** Interim (1xx) responses tolerated before the server is deemed hostile. */
    private static final int MAX_INTERIM_RESPONSES = 10;

    private final NettyExchanger engine;
    private final ExchangeSpec spec;
    private final CompletableFuture<Response> result;
    private boolean cleaned;
    private boolean bodyEnded;
    private boolean bodySkipped;

    private volatile HttpConnection connection;
    private volatile CompletableFuture<HttpConnection> pendingAcquire;
    private volatile BodyPump pump;
    private ScheduledFuture<?> totalTimer;
    private boolean retried;
    private boolean failing;

    // Event-loop state of the current attempt.
    private boolean writing;
    private boolean requestWritten;
    private volatile long lastActivityNanos;
    private boolean responseStarted;
    private int interimResponses;
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

    Exchange(NettyExchanger engine, ExchangeSpec spec, CompletableFuture<Response> result) {
        this.engine = engine;
        this.spec = spec;
        this.result = result;
    }

    boolean isDone() {
        return result.isDone();
    }

    /** Starts the exchange. Any thread. */
    void start() {
        spec.timeouts().total().ifPresent(total -> totalTimer = engine.timerLoop()
                .schedule(() -> fail(timeout(ClientTimeoutException.Phase.TOTAL, total)),
                        total.toNanos(), TimeUnit.NANOSECONDS));
        acquire();
    }

    private void acquire() {
        CompletableFuture<HttpConnection> acquiring = engine.acquire(Origin.of(spec.url()),
                spec.timeouts());
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
        runOnLoop(conn.eventLoop(), () -> write(conn, messages, nonBlocking, headLength[0]));
    }

    private void write(HttpConnection conn, List<Object> messages, boolean nonBlocking, int headLength) {
        if (result.isDone()) {
            messages.forEach(ReferenceCountUtil::safeRelease);
            release(true);
            return;
        }
        conn.attach(this);
        conn.decoder().expectHeadResponse(spec.isHead());
        Channel channel = conn.channel();
        writing = true;
        lastActivityNanos = System.nanoTime();
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
                last = channel.write(message);
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
        if (nonBlocking) {
            last.addListener(this::onRequestWritten);
        } else {
            BodyPump bodyPump = new BodyPump(this, channel,
                    spec.framing() == ExchangeSpec.Framing.CHUNKED, spec.declaredLength());
            pump = bodyPump;
            Runnable send = () -> engine.transport().blockingExecutor().execute(() -> {
                try {
                    bodyPump.pump(spec.body()).addListener(this::onRequestWritten);
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

    private void onRequestWritten(io.netty.util.concurrent.Future<? super Void> written) {
        if (!written.isSuccess()) {
            if (!responseStarted) {
                onFailure(written.cause());
            }
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
            if (++interimResponses > MAX_INTERIM_RESPONSES) {
                throw new ClientPayloadException("malformed response to " + spec.describe()
                        + ": more than " + MAX_INTERIM_RESPONSES + " interim (1xx) responses", null);
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
        HttpConnection conn = connection;
        if (!responseStarted && !retried && spec.retryable() && conn != null
                && conn.previousExchanges() > 0 && !result.isDone()) {
            // A pooled connection the server had already closed: the request never reached it.
            retried = true;
            conn.detach(this);
            engine.release(conn, false);
            connection = null;
            acquire();
            return;
        }
        if (responseStarted) {
            // The answer had begun: its body is what was lost, so this is a payload error, and a
            // streaming reader gets it as its IOException's cause.
            fail(new ClientPayloadException(spec.describe() + ": the server closed the connection "
                    + "before the end of the body", null));
            return;
        }
        onFailure(new java.nio.channels.ClosedChannelException());
    }

    /** The connection failed. Event loop. */
    void onFailure(Throwable cause) {
        // fail() hands a streaming reader the translated error as the cause of its IOException.
        fail(engine.translate(spec, cause, ClientTimeoutException.Phase.CONNECT,
                requestWritten || writing || responseStarted));
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
        long idle = System.nanoTime() - lastActivityNanos;
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
        String what = switch (phase) {
            case READ -> "no response bytes arrived for";
            case WRITE -> "the server took no request bytes for";
            case TOTAL -> "the exchange did not finish within";
            default -> phase + " took longer than";
        };
        return new ClientTimeoutException(spec.describe() + ": " + what + " " + limit.toMillis()
                + " ms (" + phase + " timeout)", phase, limit);
    }

    private static void runOnLoop(EventLoop loop, Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
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
