package io.posthaste.internal.transport;

import io.posthaste.PoolStats;
import io.posthaste.Request;
import io.posthaste.Response;
import io.posthaste.internal.connection.CallerLoop;
import io.posthaste.internal.connection.CallerLoops;
import io.posthaste.internal.connection.ConnectionPool;
import io.posthaste.internal.connection.ConnectionSource;
import io.posthaste.internal.connection.Connector;
import io.posthaste.internal.connection.NettyTransport;
import io.posthaste.internal.connection.Origin;
import io.posthaste.internal.connection.ProtocolInstaller;
import io.posthaste.internal.connection.SharedConnections;
import io.posthaste.internal.exchange.BodyPolicy;
import io.posthaste.internal.exchange.Completion;
import io.posthaste.internal.exchange.Deadline;
import io.posthaste.internal.exchange.Exchange;
import io.posthaste.internal.exchange.ExchangeSpec;
import io.posthaste.internal.exchange.Exchanger;
import io.posthaste.internal.exchange.Failures;
import io.posthaste.internal.exchange.ProtocolConnection;
import io.posthaste.internal.exchange.WireHeaders;
import io.posthaste.internal.http1.Http1Connection;
import io.posthaste.internal.http2.Http2Connection;
import io.posthaste.internal.http3.H3Routing;
import io.posthaste.internal.session.SessionConfig;
import io.posthaste.internal.session.VirtualThreads;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The end of the chain over Netty, and the one place the parts are wired together: the transport
 * (event loops, TCP, TLS), the two connection sources (the shared pool, and the loops of callers
 * inside {@code send()}), the protocol each connection speaks (HTTP/1.1 or HTTP/2: the connector
 * built in the constructor is where it is chosen; HTTP/3 by its own source in front of the pool,
 * {@link H3Routing}, for the origins that speak it), and the protocol-neutral
 * {@link Exchange}.
 */
public final class NettyExchanger implements Exchanger {

    private final SessionConfig config;
    private final NettyTransport transport;
    private final SharedConnections<ProtocolConnection> shared;
    private final CallerLoops<ProtocolConnection> callerLoops;
    private final CallbackBatcher callbacks;
    private final CallbackBatcher virtualWakeUps;
    private final Failures failures;
    private final boolean h2OverTls;
    /** HTTP/3's connection source in front of the pool, or null if the session cannot speak it. */
    private final H3Routing http3;

    private volatile boolean closing;

    /** Starts the transport and the pool for {@code config}. */
    public NettyExchanger(SessionConfig config) {
        this.config = config;
        this.transport = new NettyTransport(config);
        Http1Connection.HeadLimits limits =
                new Http1Connection.HeadLimits(config.maxResponseHeaderSize(), config.maxResponseHeaders());
        this.h2OverTls = config.alpnProtocols().contains(ProtocolInstaller.H2);
        long pingIntervalNanos = config.http2PingInterval() == null
                ? 0
                : config.http2PingInterval().toNanos();
        // The protocol is chosen here: HTTP/2 when ALPN picked h2 (or by prior knowledge over
        // cleartext), HTTP/1.1 otherwise. A connection on a caller's own loop serves one HTTP/2
        // exchange only: nobody drives that loop between calls to answer the peer.
        Connector<ProtocolConnection> open = (origin, spec, loops, listener) -> transport.connect(
                origin,
                loops,
                spec,
                (channel, protocol) -> ProtocolInstaller.H2.equals(protocol)
                        ? Http2Connection.install(
                                channel,
                                origin,
                                config.maxResponseHeaderSize(),
                                config.maxResponseHeaders(),
                                config.sensitiveHeaders(),
                                listener,
                                transport.blockingExecutor(),
                                loops != transport.group(),
                                pingIntervalNanos,
                                config.timeouts().read().toNanos(),
                                config.http2ReadPacing())
                        : CompletableFuture.completedFuture(Http1Connection.install(
                                channel, origin, limits, listener, transport.blockingExecutor())));
        this.shared = new SharedConnections<>(
                config.maxConnectionsPerOrigin(),
                config.maxConnectionsTotal(),
                config.idleTimeout().toNanos(),
                transport.group(),
                open,
                this::mayMultiplex);
        this.http3 = H3Routing.of(config, transport, shared);
        this.callerLoops = config.callerDrivenIo()
                ? new CallerLoops<>(
                        transport, shared, open, config.idleTimeout().toNanos(), config.maxConnectionsTotal())
                : null;
        this.failures = new Failures(() -> closing);
        this.callbacks = new CallbackBatcher(transport.group(), config.callbackExecutor());
        Executor virtual = VirtualThreads.executor();
        this.virtualWakeUps = virtual == null ? null : new CallbackBatcher(transport.group(), virtual);
    }

    @Override
    public CompletableFuture<Response> exchange(Request request, BodyPolicy policy, Deadline deadline) {
        ExchangeSpec spec = WireHeaders.spec(config, request, policy);
        // Alt-Svc from any answer of an https origin (RFC 7838): later requests may go over HTTP/3.
        CancellableFuture result =
                new CancellableFuture(http3 != null && spec.url().isHttps() ? Origin.of(spec.url()) : null, http3);
        Exchange exchange = new Exchange(spec, source(spec), result, config, failures);
        result.exchange = exchange;
        exchange.start(deadline);
        return result;
    }

    /**
     * Returns where an exchange started on this thread gets its connections, chosen once per
     * exchange: the thread's own loop while it drives one inside {@code send()}, else the pool.
     * An origin that may speak HTTP/2 stays on the pool's shared loops (design decision 10): a
     * multiplexed connection serves every thread, and must be answered between calls.
     */
    private ConnectionSource<ProtocolConnection> source(ExchangeSpec spec) {
        if (http3 != null && spec.url().isHttps() && http3.routes(spec.origin())) {
            return http3; // Multiplexed, on the shared loops, as HTTP/2 (design decision 10).
        }
        CallerLoop<ProtocolConnection> own = callerLoops == null ? null : callerLoops.driving();
        if (own == null || (spec.url().isHttps() ? !h2OverTls : !config.h2PriorKnowledge())) {
            return own != null ? own : shared;
        }
        return shared.multiplexes(spec.origin()) ? shared : own;
    }

    /**
     * Whether connections to {@code origin} may speak HTTP/2, as the session's protocols say; a
     * forwarding proxy speaks HTTP/1.1.
     */
    private boolean mayMultiplex(Origin origin) {
        return origin.https() ? h2OverTls : config.h2PriorKnowledge() && origin.forwardingProxy() == null;
    }

    /**
     * Runs {@code call} on the calling thread's own event loop, which the thread then drives
     * until the result is complete (see {@link CallerLoop}); returns null, having started
     * nothing, when this thread should wait for the shared loops instead. An interrupt cancels the
     * result and keeps the interrupt flag.
     */
    public <T> CompletableFuture<T> callOnCallerLoop(Supplier<CompletableFuture<T>> call) {
        CallerLoop<ProtocolConnection> loop = callerLoops == null ? null : callerLoops.enter();
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
        ConnectionPool.Stats stats = shared.pool().stats();
        int kept = callerLoops == null ? 0 : callerLoops.keptIdle();
        // The pool counts a caller loop's connections as leased places; those kept between calls
        // are idle. The two counts are read apart, hence the floor.
        return new PoolStats(
                Math.max(0, stats.leased() - kept), stats.idle() + kept, stats.connecting(), stats.waiting());
    }

    @Override
    public Map<String, PoolStats> statsByOrigin() {
        Map<String, PoolStats> byOrigin = new LinkedHashMap<>();
        shared.pool().statsByOrigin().forEach((origin, stats) -> {
            // As in stats(): a caller loop's kept connections hold leased places but are idle.
            int kept = callerLoops == null ? 0 : callerLoops.keptIdle(origin);
            byOrigin.put(
                    origin.toString(),
                    new PoolStats(
                            Math.max(0, stats.leased() - kept),
                            stats.idle() + kept,
                            stats.connecting(),
                            stats.waiting()));
        });
        return Collections.unmodifiableMap(byOrigin);
    }

    /** Returns the transport, for connections that are not exchanges (WebSockets). */
    public NettyTransport transport() {
        return transport;
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
        if (http3 != null) {
            http3.close();
        }
        shared.close();
        transport.close();
    }

    /**
     * The exchange's result; cancelling it aborts the exchange. An answer's {@code Alt-Svc} is
     * taken in before the result completes, so that the caller's next request already sees it.
     */
    private static final class CancellableFuture extends CompletableFuture<Response> {
        private final Origin advertising;
        private final H3Routing http3;
        volatile Exchange exchange;

        CancellableFuture(Origin advertising, H3Routing http3) {
            this.advertising = advertising;
            this.http3 = http3;
        }

        @Override
        public boolean complete(Response response) {
            if (advertising != null && response != null) {
                http3.observe(advertising, response.headers().allValues("Alt-Svc"));
            }
            return super.complete(response);
        }

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
}
