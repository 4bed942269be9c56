package io.posthaste.internal.exchange;

import io.netty.channel.EventLoop;
import io.posthaste.ClientException;
import io.posthaste.ClientPayloadException;
import io.posthaste.Event;
import io.posthaste.EventListener;
import io.posthaste.internal.body.BodyKind;
import io.posthaste.internal.connection.ConnectTimes;
import io.posthaste.internal.connection.ConnectionSource;
import io.posthaste.internal.connection.Origin;
import io.posthaste.internal.session.Events;
import io.posthaste.internal.session.ProgressListeners;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One attempt of an {@link Exchange}, on one connection: the connection it holds (acquired from
 * the exchange's one {@link ConnectionSource}, an idle one without a future, the common case
 * under load; given back once), how far the request has gone out, a body held for
 * {@code 100 Continue}, upload progress, and the one rule for an attempt that failed before its
 * answer began going again on a fresh connection ({@link #mayGoAgain}), with the facts it needs.
 * The carrier reports its writes here. Event loop of the carrier, except where a method says.
 */
public final class Attempt {

    /** How far the request has gone out. */
    enum State {
        NOT_STARTED,
        WRITING,
        HELD_FOR_CONTINUE,
        PUMPING,
        WRITTEN,
        /** Never sent: a final answer came before {@code 100 Continue}. */
        SKIPPED,
        /** A write failed after bytes left; the exchange waits for what the server said. */
        BROKEN
    }

    /**
     * Attempts made again on a new connection after one failed before its response began.
     * Bounded so that a server that closes every connection at once cannot keep a call going.
     */
    private static final int MAX_SILENT_RETRIES = 2;

    /**
     * Attempts made again because the server said it never processed the request (HTTP/2's
     * REFUSED_STREAM, a stream above GOAWAY's last stream id). Counted apart from the silent
     * retries: each such bounce is proven harmless, and a busy server may refuse a few in a row,
     * but a server that refuses everything must not keep a call going either.
     */
    static final int MAX_BOUNCES = 8;

    /**
     * Interim (1xx) heads are bounded by bytes and time, not by count: a server may send
     * {@code 102 Processing} every few seconds through a long operation, while a flood of them
     * is cut off. They may take this many bytes, plus {@link #INTERIM_BYTES_PER_SECOND} for each
     * second since the request went out.
     */
    private static final int MAX_INTERIM_BYTES = 64 * 1024;

    private static final int INTERIM_BYTES_PER_SECOND = 1024;

    /** How long a connection rests before a non-idempotent request asks the kernel if it closed. */
    private static final long PEER_CHECK_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Exchange exchange;
    private final ExchangeSpec spec;
    private final EventListener events;
    private final ConnectionSource<ProtocolConnection> source;
    private final ExchangeTimes times;
    private volatile ProtocolConnection connection;
    private volatile CompletableFuture<ProtocolConnection> pending;
    private State state = State.NOT_STARTED;
    private Carrier carrier;
    private Progress progress;
    private ExpectContinue held;
    private boolean bytesMayHaveLeft;
    private boolean oneShotBodyBegun;
    private boolean reusedConnection;
    private int silentRetries;
    private int bounces;
    private Throwable failure;
    private long startNanos;
    private volatile long lastActivityNanos;

    Attempt(
            Exchange exchange,
            ExchangeSpec spec,
            EventListener events,
            ConnectionSource<ProtocolConnection> source,
            ExchangeTimes times) {
        this.exchange = exchange;
        this.spec = spec;
        this.events = events;
        this.source = source;
        this.times = times;
    }

    /**
     * Acquires a connection for the attempt ({@code fresh}: never one that sat idle) and hands it,
     * or the failure, to the exchange: at once if one is idle, else when the source has one.
     */
    void acquire(boolean fresh) {
        times.acquiring(System.nanoTime());
        spec.policy().attempted();
        Origin origin = spec.origin();
        ProtocolConnection idle = fresh ? null : source.pollIdle(origin);
        if (idle != null) {
            exchange.onAcquired(idle, null); // the common case under load: no future to make
            return;
        }
        CompletableFuture<ProtocolConnection> acquiring = source.acquire(origin, spec.timeouts(), fresh);
        pending = acquiring;
        if (acquiring.isDone() && !acquiring.isCompletedExceptionally()) {
            exchange.onAcquired(acquiring.join(), null);
        } else {
            acquiring.whenComplete(exchange::onAcquired);
        }
    }

    /** Holds {@code acquired} until it is given back. */
    void hold(ProtocolConnection acquired) {
        times.acquired(System.nanoTime());
        connection = acquired;
        if (events != null) {
            Events.emit(events, Event.Type.CONNECTION_ACQUIRED, spec.request(), acquired.toString());
        }
    }

    /** Returns the connection held, or null. Any thread. */
    ProtocolConnection connection() {
        return connection;
    }

    /** Gives up a wait for a connection, if one is under way. Any thread. */
    void abandon() {
        CompletableFuture<ProtocolConnection> acquiring = pending;
        if (acquiring != null) {
            acquiring.cancel(false);
        }
    }

    /**
     * Gives the connection held back to its source, kept if {@code reusable} and still usable,
     * and holds nothing after. Event loop of the connection.
     */
    void giveBack(boolean reusable) {
        ProtocolConnection held = connection;
        if (held == null) {
            return;
        }
        connection = null;
        source.release(held, reusable && held.isUsable());
        if (events != null) {
            Events.emit(events, Event.Type.CONNECTION_RELEASED, spec.request(), held.toString());
        }
    }

    /** Returns the loop for the exchange's timers. */
    EventLoop timerLoop() {
        return source.timerLoop();
    }

    /**
     * Begins the attempt on {@code conn}: once the carrier is fit for it, binds the exchange and
     * writes {@code request}, the head now and a body that follows it when due.
     */
    void begin(ProtocolConnection conn, Carrier on, Carrier.Encoded request) {
        if (on.isReading()) {
            // Handed over in the middle of a read (the last exchange ended in it): whatever else
            // that read brought is decoded first, and closes the connection if it was more than
            // the response (security checklist 47).
            on.eventLoop().execute(() -> exchange.send(conn, on, request));
            return;
        }
        carrier = on;
        reusedConnection = on.isReused();
        exchange.onSending(on);
        if (!on.isUsable() || reusedConnection && !spec.retryable() && on.peerClosedAfterRest(PEER_CHECK_AFTER_NANOS)) {
            // Closed before a byte of this request went out: any request may go again. The
            // kernel is asked only for requests that a stale connection could not retry, and only
            // after a rest (a busy connection pays no system call); a close racing a prompt reuse
            // is caught after the write, by the reset that refuses it (refusedUnread).
            request.discard();
            exchange.onAttemptFailed(new ClosedChannelException());
            return;
        }
        on.bind(exchange, spec);
        on.checkWithin(Math.min(
                spec.timeouts().write().toNanos(), spec.timeouts().read().toNanos()));
        state = State.WRITING;
        startNanos = System.nanoTime();
        lastActivityNanos = startNanos;
        // A new connection's opening times go to the first exchange on it, and only to it.
        times.writing(startNanos, reusedConnection, reusedConnection ? null : ConnectTimes.take(conn.channel()));
        // Through TLS a failed write cannot show that no record left: count it as sent.
        bytesMayHaveLeft = spec.url().isHttps();
        ProgressListeners listeners = spec.progress();
        progress = listeners == null
                ? null
                : Progress.of(
                        listeners.upload(), spec.framing() == ExchangeSpec.Framing.LENGTH ? spec.declaredLength() : -1);
        boolean bodyFollows = request.bodyFollows();
        on.write(request, this);
        if (!bodyFollows) {
            return;
        }
        if (spec.expectsContinue()) {
            state = State.HELD_FOR_CONTINUE;
            held = new ExpectContinue();
            held.hold(on.eventLoop(), this::sendBody);
        } else {
            sendBody();
        }
    }

    private void sendBody() {
        if (exchange.isDone() || state != State.WRITING && state != State.HELD_FOR_CONTINUE) {
            return;
        }
        state = State.PUMPING;
        oneShotBodyBegun |= spec.isOneShot();
        carrier.sendBody(spec, this);
    }

    /** Some byte of the request may have reached the server. */
    public void onBytesMayHaveLeft() {
        bytesMayHaveLeft = true;
    }

    /** The network took request bytes: the server is reading. Any thread. */
    public void onActivity() {
        lastActivityNanos = System.nanoTime();
    }

    /** {@code bytes} of the body were taken by the network. */
    public void onBodyBytesWritten(long bytes) {
        if (progress != null) {
            progress.add(bytes);
        }
    }

    /** Returns whether upload progress is reported (someone listens). */
    public boolean countsUpload() {
        return progress != null;
    }

    /** Sending the body failed on the blocking thread (its source broke). Any thread. */
    public void onBodyFailed(ClientException error) {
        exchange.fail(error);
    }

    /** Returns whether nobody waits for the request any more: the body need not go on. Any thread. */
    public boolean isAbandoned() {
        return exchange.isDone();
    }

    /** The request's last write ended, with {@code cause} if it failed. */
    public void onWritten(Throwable cause) {
        if (state == State.SKIPPED || state == State.NOT_STARTED || exchange.isDone()) {
            return;
        }
        if (cause != null) {
            // Bytes left and the channel is open: the server may still answer (an early 413,
            // or 401 before a reset: security checklist 25); the read side ends the exchange.
            boolean waitForAnswer = bytesMayHaveLeft && carrier.isOpen();
            state = State.BROKEN;
            failure = cause;
            if (waitForAnswer) {
                carrier.markBroken();
            } else {
                exchange.onAttemptFailed(cause);
            }
            return;
        }
        state = State.WRITTEN;
        lastActivityNanos = System.nanoTime();
        times.written(lastActivityNanos);
        if (progress != null) {
            progress.finish();
        }
        exchange.onRequestWritten();
        if (events != null) {
            Events.emit(events, Event.Type.REQUEST_HEADERS_SENT, spec.request(), null);
            if (spec.body() != null) {
                Events.emit(
                        events,
                        Event.Type.REQUEST_BODY_SENT,
                        spec.request(),
                        null,
                        0,
                        Math.max(spec.declaredLength(), 0),
                        null);
            }
        }
    }

    /**
     * An interim head came, making {@code interimBytes} in all: a {@code 100 Continue} sends a
     * held body; more than the bound fails the exchange.
     */
    void onInterim(int status, long interimBytes) {
        if (status == 100 && held != null) {
            held.release();
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
        long allowed = MAX_INTERIM_BYTES + seconds * INTERIM_BYTES_PER_SECOND;
        if (interimBytes > allowed) {
            throw new ClientPayloadException(
                    "malformed response to " + spec.describe()
                            + ": more than " + allowed + " bytes of interim (1xx) responses in "
                            + seconds + " s",
                    null);
        }
    }

    /**
     * The final answer came. A body still held for {@code 100 Continue} is never sent, and since
     * the server may still expect it, the connection cannot carry another request.
     */
    void onFinalAnswer() {
        if (held != null && held.isHolding()) {
            held.drop();
            state = State.SKIPPED;
            BodyKind.discard(spec.body());
            if (progress != null) {
                progress.finish();
            }
        }
    }

    /**
     * Returns whether the failed attempt may go again on a fresh connection: any request of
     * which no byte can have been read (unless a one-shot body was begun); once bytes may have
     * left on a reused connection, an idempotent request, or any replayable one the server
     * provably left unread ({@code refusedUnread}: see {@link Carrier#refusedUnread}). A reset
     * alone proves nothing: a server may read a request and then abort the connection. A request
     * the server said it never processed ({@link Carrier#unprocessed}: HTTP/2's REFUSED_STREAM,
     * or a stream above GOAWAY's last stream id) goes again whatever its method, on any
     * connection, unless a one-shot body was begun, at most {@value #MAX_BOUNCES} times; the
     * others at most {@value #MAX_SILENT_RETRIES} times.
     */
    boolean mayGoAgain(boolean refusedUnread) {
        if (unprocessed()) {
            return bounces < MAX_BOUNCES && !oneShotBodyBegun;
        }
        if (silentRetries >= MAX_SILENT_RETRIES) {
            return false;
        }
        return bytesMayHaveLeft
                ? reusedConnection && (spec.retryable() || !spec.isOneShot() && refusedUnread)
                : !oneShotBodyBegun;
    }

    /** Returns whether the server said it never processed this attempt's request. */
    boolean unprocessed() {
        return carrier != null && carrier.unprocessed();
    }

    /** Returns how many attempts the server bounced unprocessed before this one. */
    int bounces() {
        return bounces;
    }

    /**
     * Returns whether the server provably never read the request on a reused connection (see
     * {@link Carrier#refusedUnread}): the race of a server closing a kept-alive connection just
     * as the request goes out on it.
     */
    boolean refusedUnread() {
        return carrier != null && carrier.refusedUnread();
    }

    /** Returns whether the attempt could go again only if the server left the request unread. */
    boolean awaitsResetVerdict() {
        return carrier != null && carrier.receivedBytes() == 0 && !mayGoAgain(false) && mayGoAgain(true);
    }

    /**
     * Ends the attempt, for the next one on a new connection; what one-shot bodies lost stays.
     * {@code bounced}: the server said it never processed this one (see {@link #unprocessed}).
     */
    void retry(boolean bounced) {
        if (bounced) {
            bounces++;
        } else {
            silentRetries++;
        }
        stop();
        state = State.NOT_STARTED;
        carrier = null;
        bytesMayHaveLeft = false;
        failure = null;
    }

    /** Stops a held body's timer: the exchange is over. */
    void stop() {
        if (held != null) {
            held.drop();
        }
    }

    boolean isWriting() {
        return state == State.WRITING || state == State.PUMPING;
    }

    boolean isWritten() {
        return state == State.WRITTEN;
    }

    boolean bytesMayHaveLeft() {
        return bytesMayHaveLeft;
    }

    boolean oneShotBodyBegun() {
        return oneShotBodyBegun;
    }

    /** Returns why writing failed, if it did (the exchange waited for an answer), else {@code other}. */
    Throwable failureOr(Throwable other) {
        return failure != null ? failure : other;
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }
}
