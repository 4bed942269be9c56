package io.posthaste.internal.netty;

import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.posthaste.Body;
import io.posthaste.ClientConnectionException;
import io.posthaste.ClientException;
import io.posthaste.ClientPayloadException;
import io.posthaste.ClientTimeoutException;
import io.posthaste.PoolStats;
import io.posthaste.Request;
import io.posthaste.Timeouts;
import io.posthaste.internal.Bridge;
import io.posthaste.internal.chain.Completion;
import io.posthaste.internal.chain.Deadline;
import io.posthaste.internal.chain.Exchanger;
import io.posthaste.internal.chain.VirtualThreads;
import io.posthaste.Response;
import io.posthaste.internal.chain.SessionConfig;
import io.posthaste.internal.codec.RequestUrl;
import io.posthaste.internal.pool.ConnectionPool;
import io.posthaste.internal.pool.Scheduler;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/** The end of the chain over Netty: HTTP/1.1 exchanges on pooled connections. */
public final class NettyExchanger implements Exchanger, ConnectionListener {

    private final SessionConfig config;
    private final NettyTransport transport;
    private final ConnectionPool<Origin, Timeouts, HttpConnection> pool;
    private final CallbackBatcher callbacks;
    private final CallbackBatcher virtualWakeUps;
    private final CallerLoops callerLoops;
    private volatile boolean closing;

    /** Starts the transport and the pool for {@code config}. */
    public NettyExchanger(SessionConfig config) {
        this.config = config;
        this.transport = new NettyTransport(config);
        this.pool = new ConnectionPool<>(config.maxConnectionsPerOrigin(),
                config.maxConnectionsTotal(), config.idleTimeout().toNanos(),
                Scheduler.on(transport.group().next()),
                (origin, timeouts) -> connect(origin, transport.group(), timeouts));
        this.callerLoops = config.callerDrivenIo() && transport.isNative()
                ? new CallerLoops(transport, pool, config.idleTimeout().toNanos(),
                        config.maxConnectionsTotal())
                : null;
        this.callbacks = new CallbackBatcher(transport.group(), config.callbackExecutor());
        Executor virtual = VirtualThreads.executor();
        this.virtualWakeUps = virtual == null ? null : new CallbackBatcher(transport.group(), virtual);
    }

    @Override
    public CompletableFuture<Response> exchange(Request request, boolean streaming, Deadline deadline) {
        ExchangeSpec spec = WireHeaders.spec(config, request, streaming);
        CancellableFuture result = new CancellableFuture();
        Exchange exchange = new Exchange(this, spec, result, deadline);
        result.exchange = exchange;
        exchange.start();
        return result;
    }

    /**
     * Runs {@code call} on the calling thread's own event loop, which the thread then drives
     * until the result is complete (see {@link CallerLoop}); returns null, having started
     * nothing, when this thread should wait for the shared loops instead. An interrupt cancels the
     * result and keeps the interrupt flag.
     */
    public <T> CompletableFuture<T> callOnCallerLoop(Supplier<CompletableFuture<T>> call) {
        CallerLoop loop = callerLoops == null ? null : callerLoops.enter();
        if (loop == null) {
            return null;
        }
        try {
            CompletableFuture<T> result = call.get();
            loop.drive(result);
            return result;
        } finally {
            loop.exit();
        }
    }

    @Override
    public void handOff(Completion<?> completion) {
        callbacks.handOff(completion);
    }

    @Override
    public boolean wakeVirtual(Completion<?> completion) {
        if (virtualWakeUps == null) {
            return false;
        }
        virtualWakeUps.handOff(completion);
        return true;
    }

    @Override
    public PoolStats stats() {
        ConnectionPool.Stats stats = pool.stats();
        int kept = callerLoops == null ? 0 : callerLoops.keptIdle();
        // The pool counts a caller loop's connections as leased places; those kept between calls
        // are idle. The two counts are read apart, hence the floor.
        return new PoolStats(Math.max(0, stats.leased() - kept), stats.idle() + kept,
                stats.connecting(), stats.waiting());
    }

    /** Returns whether the native transport is in use. */
    public boolean isNative() {
        return transport.isNative();
    }

    @Override
    public void close() {
        closing = true;
        if (callerLoops != null) {
            callerLoops.close();
        }
        pool.close();
        transport.close();
    }

    SessionConfig config() {
        return config;
    }

    NettyTransport transport() {
        return transport;
    }

    /**
     * Returns the loop for an exchange's timers: the calling thread's own loop while it drives
     * one (a timer there costs no wake-up of another thread), else one of the shared loops.
     */
    EventLoop timerLoop() {
        CallerLoop own = callerLoops == null ? null : callerLoops.driving();
        return own != null ? own.loop() : transport.group().next();
    }

    /**
     * Returns a connection to {@code origin}: on the calling thread's own loop while it drives
     * one, else from the shared pool. A {@code fresh} one is never a connection that sat idle.
     */
    CompletableFuture<HttpConnection> acquire(Origin origin, Timeouts timeouts, boolean fresh) {
        CallerLoop own = callerLoops == null ? null : callerLoops.driving();
        if (own != null) {
            CompletableFuture<HttpConnection> onOwnLoop = own.acquire(origin, timeouts, this, fresh);
            if (onOwnLoop != null) {
                return onOwnLoop;
            }
        }
        return pool.acquire(origin, timeouts, timeouts.poolAcquire().toNanos(), fresh);
    }

    /**
     * Returns an idle connection of the shared pool to {@code origin}, or null (none idle, or the
     * calling thread drives its own loop and takes its connections from it).
     */
    HttpConnection pollIdle(Origin origin) {
        return callerLoops != null && callerLoops.driving() != null ? null : pool.pollIdle(origin);
    }

    void release(HttpConnection connection, boolean reusable) {
        CallerLoop own = connection.callerLoop();
        if (own != null) {
            own.release(connection, reusable);
        } else {
            pool.release(connection.origin(), connection, reusable);
        }
    }

    /** Opens a connection to {@code origin} on {@code loops}, within {@code timeouts}. */
    CompletableFuture<HttpConnection> connect(Origin origin, EventLoopGroup loops, Timeouts timeouts) {
        return transport.connect(origin, loops,
                (int) Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis()),
                (int) Math.min(Integer.MAX_VALUE, timeouts.tlsHandshake().toMillis()), this);
    }

    @Override
    public void idleConnectionLost(HttpConnection connection) {
        CallerLoop own = connection.callerLoop();
        if (own != null) {
            own.lost(connection);
        } else {
            pool.evict(connection.origin(), connection);
        }
    }

    /** Turns any failure into the exception the caller should see, naming the request. */
    ClientException translate(ExchangeSpec spec, Throwable failure, ClientTimeoutException.Phase phase,
            boolean mayHaveBeenProcessed) {
        Throwable cause = unwrap(failure);
        String request = spec.describe();
        RequestUrl url = spec.url();
        Timeouts timeouts = spec.timeouts();
        if (cause instanceof ClientException e) {
            return e;
        }
        if (closing || cause instanceof ConnectionPool.PoolClosedException) {
            // Whatever the connection saw, it was this client that ended the call.
            return new ClientConnectionException(request + ": the session was closed" + (mayHaveBeenProcessed
                    ? " while the request was in flight (it may have been processed)" : ""), cause, false,
                    mayHaveBeenProcessed);
        }
        if (cause instanceof ConnectionPool.AcquireTimeoutException) {
            return new ClientTimeoutException(request + ": no pooled connection became free within "
                    + timeouts.poolAcquire().toMillis() + " ms (POOL_ACQUIRE timeout)",
                    ClientTimeoutException.Phase.POOL_ACQUIRE, timeouts.poolAcquire());
        }
        if (cause instanceof ConnectTimeoutException) {
            return new ClientTimeoutException(request + ": cannot connect to host "
                    + url.hostHeader() + " within " + timeouts.connect().toMillis()
                    + " ms (CONNECT timeout)", ClientTimeoutException.Phase.CONNECT, timeouts.connect());
        }
        if (cause instanceof SslHandshakeTimeoutException) {
            return new ClientTimeoutException(request + ": TLS handshake with " + url.hostHeader()
                    + " did not finish within " + timeouts.tlsHandshake().toMillis()
                    + " ms (TLS_HANDSHAKE timeout)", ClientTimeoutException.Phase.TLS_HANDSHAKE,
                    timeouts.tlsHandshake());
        }
        NotSslRecordException notTls = notTls(cause);
        if (notTls != null) {
            // The record's bytes are no help to a user; what they spell usually is.
            return new ClientConnectionException(request + ": " + (answeredInPlainHttp(notTls)
                    ? "the server answered in plain HTTP, not TLS — is the scheme right (http://)?"
                    : "the server's answer is not TLS — is the scheme or the port right?"),
                    notTls, true, false);
        }
        if (cause instanceof SSLException || cause instanceof DecoderException
                && cause.getCause() instanceof SSLException) {
            Throwable ssl = cause instanceof SSLException ? cause : cause.getCause();
            return new ClientConnectionException(request + ": TLS handshake with " + url.hostHeader()
                    + " failed: " + simpleMessage(ssl), ssl, true, false);
        }
        if (cause instanceof DecoderException) {
            return new ClientPayloadException(request + ": malformed response: " + simpleMessage(cause),
                    cause);
        }
        if (cause instanceof ConnectException) {
            return new ClientConnectionException(request + ": cannot connect to host "
                    + url.hostHeader() + " ssl:" + (url.isHttps() ? "default" : "false") + " ["
                    + simpleMessage(cause) + "]", cause, false, false);
        }
        if (cause instanceof UnknownHostException) {
            return new ClientConnectionException(request + ": cannot resolve host " + url.host(),
                    cause, false, false);
        }
        if (cause instanceof CancellationException) {
            return new ClientConnectionException(request + ": cancelled", cause, false,
                    mayHaveBeenProcessed);
        }
        String what = cause instanceof ClosedChannelException
                ? "the server closed the connection" : "connection failed: " + simpleMessage(cause);
        return new ClientConnectionException(request + ": " + what + (mayHaveBeenProcessed
                ? " (the request may have been processed)" : " (nothing of the request was sent)"),
                cause, false, mayHaveBeenProcessed);
    }

    private static NotSslRecordException notTls(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof NotSslRecordException record) {
                return record;
            }
        }
        return null;
    }

    /** Netty's message ends with the record in hex; "HTTP/" is 48 54 54 50 2f. */
    private static boolean answeredInPlainHttp(NotSslRecordException record) {
        String message = String.valueOf(record.getMessage());
        int colon = message.lastIndexOf(": ");
        return message.regionMatches(true, colon + 2, "485454502f", 0, 10);
    }

    /** The longest message of a cause quoted in ours; the rest would be noise, or a dump. */
    private static final int MAX_CAUSE_MESSAGE = 200;

    private static String simpleMessage(Throwable cause) {
        String message = cause.getMessage();
        if (message == null) {
            return cause.getClass().getSimpleName();
        }
        if (message.length() > MAX_CAUSE_MESSAGE) {
            message = message.substring(0, MAX_CAUSE_MESSAGE) + "…";
        }
        int colon = message.indexOf(": ");
        // Netty prefixes "finishConnect(..) failed: "; keep the OS's words.
        return colon > 0 && message.startsWith("finishConnect") ? message.substring(colon + 2) : message;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The exchange's result; cancelling it aborts the exchange. */
    private static final class CancellableFuture extends CompletableFuture<Response> {
        volatile Exchange exchange;

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            Exchange current = exchange;
            if (cancelled && current != null) {
                current.cancel();
            }
            return cancelled;
        }
    }

    static Body body(Request request) {
        return request.body().orElse(null);
    }

    static RequestUrl url(Request request) {
        return Bridge.get().url(request);
    }
}
