package io.posthaste.internal.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.posthaste.ClientException;
import io.posthaste.ClientPayloadException;
import io.posthaste.ClientTimeoutException;
import io.posthaste.Event;
import io.posthaste.Response;
import io.posthaste.internal.Bridge;
import io.posthaste.internal.body.BodyKind;
import io.posthaste.internal.connection.ConnectionPool;
import io.posthaste.internal.connection.ConnectionSource;
import io.posthaste.internal.session.Events;
import io.posthaste.internal.session.SessionConfig;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

/**
 * One request and its response, whatever the protocol: a state machine over the {@link Carrier}
 * its connection gives it.
 * <pre>
 *   ACQUIRING ─▶ SENDING ─▶ AWAITING_HEAD ─▶ BODY ─▶ DONE   (a streamed body: BODY_READ between,
 *       ▲           │            │             │              until its reader closes it)
 *       └───────────┴────────────┘             └──▶ FAILED  (from any state but DONE)
 *     the same request again, on a fresh connection, when the attempt failed before its answer
 *     began and it is safe (see {@link Attempt#mayGoAgain})
 * </pre>
 * The request side of each attempt has its own small state ({@link Attempt}): a server may
 * answer before the body is all sent. Every way out releases what the exchange holds exactly
 * once: the connection (back to its source, reusable only if the exchange ended cleanly), the
 * body's buffers and decoder, the timers, and a request body's stream that was never sent.
 *
 * <p>Threading: once a carrier is bound, every state change happens on its event loop, and the
 * result future is completed there. {@link #start}, {@link #cancel} and {@link #fail} may be
 * called from any thread; they hop to the loop when a carrier is bound.
 */
public final class Exchange {

    private final ExchangeSpec spec;
    private final CompletableFuture<Response> result;
    private final SessionConfig config;
    private final Failures failures;

    private final Attempt attempt;
    private final ExchangeTimes times = new ExchangeTimes();
    private volatile ExchangePhase phase = ExchangePhase.ACQUIRING;
    private volatile Carrier carrier;
    private ScheduledFuture<?> totalTimer;
    private ResponseHead head;
    private ResponseBody body;
    /** Runs once the connection is released ({@link #whenReleased}); event loop only. */
    private Runnable onReleased;

    /**
     * Creates an exchange of {@code spec} on connections from {@code source}, completing
     * {@code result}.
     */
    public Exchange(
            ExchangeSpec spec,
            ConnectionSource<ProtocolConnection> source,
            CompletableFuture<Response> result,
            SessionConfig config,
            Failures failures) {
        this.spec = spec;
        this.result = result;
        this.config = config;
        this.failures = failures;
        this.attempt = new Attempt(this, spec, config.eventListener(), source, times);
    }

    /** Returns whether nobody waits for this exchange any more: over, or its result complete. */
    public boolean isDone() {
        return phase.isOver() || result.isDone() && (body == null || body.stream() == null);
    }

    /** Starts the exchange, within what is left of the call's {@code deadline}. Any thread. */
    public void start(Deadline deadline) {
        if (Watchdog.hasPassed(deadline)) {
            result.completeExceptionally(Watchdog.expired(spec, deadline));
            BodyKind.discard(spec.body());
            return;
        }
        try {
            totalTimer = Watchdog.armTotal(this, spec, deadline, attempt.timerLoop());
            attempt.acquire(false);
        } catch (RejectedExecutionException closing) {
            // Started after the session's loops stopped (a retry due after close()): a timer or
            // task they refuse ends the call here.
            if (totalTimer != null) {
                totalTimer.cancel(false);
            }
            if (result.completeExceptionally(sessionClosed())) {
                BodyKind.discard(spec.body());
            }
        }
    }

    /** A connection was acquired for the attempt, or could not be. Any thread. */
    void onAcquired(ProtocolConnection acquired, Throwable failure) {
        if (failure != null) {
            fail(failures.translate(spec, failure, ClientTimeoutException.Phase.POOL_ACQUIRE, false));
            return;
        }
        attempt.hold(acquired);
        // Asked once: a multiplexed connection makes a new carrier (stream) each time.
        Carrier on = acquired.carrier();
        Carrier.Encoded request;
        try {
            request = result.isDone() ? null : on.encode(spec);
        } catch (IOException | RuntimeException e) {
            request = null;
            fail(new ClientPayloadException("cannot encode the body of " + spec.describe() + ": " + e.getMessage(), e));
        }
        EventLoop loop = acquired.channel().eventLoop();
        if (loop.inEventLoop()) {
            send(acquired, on, request); // the common case: no task to make
            return;
        }
        Carrier.Encoded encoded = request;
        if (!runOnLoop(loop, () -> send(acquired, on, encoded)) && encoded != null) {
            encoded.discard();
        }
    }

    /**
     * Sends the request on {@code conn} through its carrier {@code on}, unless the exchange is
     * over. Event loop of {@code conn}.
     */
    void send(ProtocolConnection conn, Carrier on, Carrier.Encoded request) {
        if (result.isDone() || request == null) {
            if (request != null) {
                request.discard();
            }
            release(ExchangePhase.FAILED, true);
            return;
        }
        try {
            attempt.begin(conn, on, request);
        } catch (RuntimeException e) {
            // Never left to the event loop to log: the call would never complete.
            fail(failures.translate(spec, e, ClientTimeoutException.Phase.WRITE, attempt.bytesMayHaveLeft()));
        }
    }

    /** The attempt's request begins to go out on {@code on}. Event loop. */
    void onSending(Carrier on) {
        carrier = on;
        moveTo(ExchangePhase.SENDING);
    }

    /** The whole request went out. Event loop. */
    void onRequestWritten() {
        if (phase == ExchangePhase.SENDING) {
            moveTo(ExchangePhase.AWAITING_HEAD);
        }
    }

    /**
     * The attempt failed before its response began: the connection closed or was reset, or the
     * request could not be written. It goes again on a new connection when that is safe (see
     * {@link Attempt#mayGoAgain}), and fails otherwise, saying whether the server may have
     * processed it. Event loop of the carrier, if one is bound.
     */
    void onAttemptFailed(Throwable cause) {
        if (result.isDone() || answered()) {
            return;
        }
        boolean unprocessed = attempt.unprocessed();
        if (!attempt.mayGoAgain(attempt.refusedUnread())) {
            fail(
                    unprocessed
                            ? Failures.unprocessed(spec, cause, attempt.bounces() + 1, attempt.oneShotBodyBegun())
                            : failures.translate(
                                    spec, cause, ClientTimeoutException.Phase.CONNECT, attempt.bytesMayHaveLeft()));
            return;
        }
        Carrier on = carrier;
        if (on != null) {
            on.unbind(this);
        }
        attempt.giveBack(false);
        carrier = null;
        attempt.retry(unprocessed);
        moveTo(ExchangePhase.ACQUIRING);
        attempt.acquire(true);
    }

    /**
     * Returns whether this exchange could go again only if the server turned out to have closed
     * the connection with the request unread: the carrier then waits to know. Event loop.
     */
    public boolean awaitsResetVerdict() {
        return !result.isDone() && !answered() && attempt.awaitsResetVerdict();
    }

    /** Reading resumed after a streamed body's reader caught up. Event loop. */
    void onReadResumed() {
        attempt.onActivity();
    }

    /** A {@link ResponseHead}, a body piece or the {@link BodyEnd} arrived. Event loop. */
    public void onMessage(Object msg) {
        try {
            if (isDone()) {
                return;
            }
            if (msg instanceof ByteBuf content) {
                if (body != null) {
                    body.add(content);
                }
            } else if (msg instanceof ResponseHead next) {
                onHead(next);
            } else if (msg == BodyEnd.INSTANCE && body != null) {
                onEnd();
            } else if (msg instanceof ResponseTrailers trailers && body != null) {
                body.trailers(trailers.fields());
            }
        } catch (IOException e) {
            fail(new ClientPayloadException("broken response body from " + spec.describe() + ": " + e.getMessage(), e));
        } catch (ClientException e) {
            fail(e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(ResponseHead next) throws IOException {
        if (next.isInterim()) {
            attempt.onInterim(next.status(), carrier.interimBytes());
            return;
        }
        head = next;
        times.head(System.nanoTime());
        moveTo(ExchangePhase.BODY);
        Events.emit(
                config.eventListener(),
                Event.Type.RESPONSE_HEADERS_RECEIVED,
                spec.request(),
                null,
                next.status(),
                0,
                null);
        attempt.onFinalAnswer();
        body = ResponseBody.open(
                spec,
                next,
                spec.policy().holding(spec.request(), next.status(), next.header("Location") != null),
                carrier,
                this);
        ResponseBodyStream stream = body.stream();
        if (stream != null && !result.complete(body.response(next, config, times))) {
            stream.close();
        }
    }

    private void onEnd() throws IOException {
        times.bodyEnd(System.nanoTime());
        body.end();
        Events.emit(
                config.eventListener(),
                Event.Type.RESPONSE_BODY_RECEIVED,
                spec.request(),
                null,
                head.status(),
                body.size(),
                null);
        if (body.stream() != null) {
            moveTo(ExchangePhase.BODY_READ);
            cancelTimers();
            if (!reusable()) {
                carrier.markBroken();
            }
            return;
        }
        Response response = body.response(head, config, times);
        release(ExchangePhase.DONE, reusable());
        result.complete(response);
    }

    /** Whether the connection may carry another exchange once this one is over. */
    private boolean reusable() {
        return head.keepAlive() && attempt.isWritten();
    }

    /** The reader closed the streamed body; {@code complete} if it had read all of it. Any thread. */
    void onStreamClosed(boolean complete) {
        Carrier on = carrier;
        runOnLoop(
                on.eventLoop(),
                () -> release(ExchangePhase.DONE, complete && phase == ExchangePhase.BODY_READ && reusable()));
    }

    /**
     * Runs {@code task} on the event loop once the exchange has released its connection: at once
     * if it has, else right after it does (a close on another thread may not have reached the loop
     * yet). Any thread; for a streamed body's reader, whose closing always leads to the release.
     */
    void whenReleased(Runnable task) {
        Carrier on = carrier;
        boolean queued = runOnLoop(on.eventLoop(), () -> {
            if (phase.isOver()) {
                task.run();
            } else {
                onReleased = task;
            }
        });
        if (!queued) {
            task.run(); // The loop is gone and the call failed with it: nothing to wait for.
        }
    }

    /** The connection closed while this exchange was bound to it. Event loop. */
    public void onConnectionClosed() {
        if (answered()) {
            // A streaming reader gets it as its IOException's cause.
            fail(failures.bodyCutOff(spec));
            return;
        }
        onAttemptFailed(attempt.failureOr(new ClosedChannelException()));
    }

    /** The connection failed. Event loop. */
    public void onFailure(Throwable cause) {
        boolean answered = answered();
        if (!answered && cause instanceof IOException) {
            // Lost (reset, broken pipe) before the answer began: perhaps a stale connection.
            onAttemptFailed(attempt.failureOr(cause));
            return;
        }
        // fail() hands a streaming reader the translated error as the cause of its IOException.
        fail(failures.translate(
                spec, cause, ClientTimeoutException.Phase.CONNECT, attempt.bytesMayHaveLeft() || answered));
    }

    /** Aborts the exchange (the caller cancelled). Any thread. */
    public void cancel() {
        ProtocolConnection conn = attempt.connection();
        if (conn != null) {
            runOnLoop(conn.channel().eventLoop(), () -> release(ExchangePhase.FAILED, false));
        } else {
            abandonAcquire();
        }
    }

    /** Gives up before any connection was bound: the wait, the body's stream, the timer. */
    private void abandonAcquire() {
        attempt.abandon();
        BodyKind.discard(spec.body());
        cancelTimers();
    }

    /**
     * Fails the exchange with {@code error}, if it is not over yet. Any thread. The connection is
     * released before the caller is woken, so a caller that sees the failure finds the pool whole.
     */
    void fail(ClientException error) {
        if (times.began()) {
            Bridge.get().timedBy(error, times);
        }
        ResponseBodyStream stream = body == null ? null : body.stream();
        if (stream != null) {
            stream.fail(new IOException(error.getMessage(), error));
        } else if (result.isDone()) {
            return;
        }
        ProtocolConnection conn = attempt.connection();
        if (conn == null) {
            if (phase.isOver()) {
                // Released already (a timeout, the answer's end) and about to complete the result
                // on the loop: a body pump that noticed the end must not complete it first.
                return;
            }
            result.completeExceptionally(error);
            abandonAcquire();
            return;
        }
        runOnLoop(conn.channel().eventLoop(), () -> {
            // Closing the channel fails its pending writes; those echoes must not replace the
            // error that caused the close.
            if (!phase.isOver()) {
                release(ExchangePhase.FAILED, false);
                result.completeExceptionally(error);
            }
        });
    }

    /**
     * Ends the exchange in {@code end} and releases everything it holds, once: the connection
     * goes back to its source, kept if {@code reusable}. Event loop of the connection.
     */
    private void release(ExchangePhase end, boolean reusable) {
        if (phase.isOver()) {
            return;
        }
        moveTo(end);
        cancelTimers();
        if (body != null) {
            body.close();
        }
        Carrier on = carrier;
        if (on != null) {
            on.unbind(this);
        }
        attempt.giveBack(reusable);
        if (!attempt.isWritten()) {
            BodyKind.discard(spec.body());
        }
        Runnable then = onReleased;
        if (then != null) {
            onReleased = null;
            then.run();
        }
    }

    private void cancelTimers() {
        // The connection's timeout check outlives this exchange: it finds the next one, or none.
        ScheduledFuture<?> timer = totalTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        attempt.stop();
    }

    /** Fires the read or write timeout if nothing moved for that long; re-arms otherwise. Event loop. */
    public void checkIdle() {
        if (isDone() || phase == ExchangePhase.BODY_READ) {
            return;
        }
        Watchdog.check(this, spec, carrier, attempt, body == null ? null : body.stream());
    }

    /** Whether the answer's head has arrived. */
    private boolean answered() {
        return phase == ExchangePhase.BODY || phase == ExchangePhase.BODY_READ;
    }

    private void moveTo(ExchangePhase next) {
        phase = phase.moveTo(next);
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
        } catch (RejectedExecutionException closing) {
            // The session is closing and its loops take no more work: the call ends here rather
            // than wait for a task that will never run.
            result.completeExceptionally(sessionClosed());
            abandonAcquire();
            return false;
        }
    }

    /** Returns the error of a call that its session's closing ended. */
    private ClientException sessionClosed() {
        return failures.translate(
                spec,
                new ConnectionPool.PoolClosedException(),
                ClientTimeoutException.Phase.CONNECT,
                attempt.bytesMayHaveLeft());
    }
}
