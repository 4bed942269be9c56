package io.posthaste.internal.http3;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.posthaste.Timeouts;
import io.posthaste.internal.connection.ConnectionSource;
import io.posthaste.internal.connection.NettyTransport;
import io.posthaste.internal.connection.Origin;
import io.posthaste.internal.connection.SharedConnections;
import io.posthaste.internal.exchange.ProtocolConnection;
import io.posthaste.internal.session.SessionConfig;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where a request to an origin that speaks HTTP/3 gets its connection: a connection source in
 * front of the session's TCP one, with a pool of HTTP/3 connections of its own (same caps, counted
 * apart). The exchange above it does not know which protocol it got.
 *
 * <p><b>Fallback: a race with a head start.</b> When the origin has no live HTTP/3 connection,
 * QUIC starts first; if it has not connected within {@value #HEAD_START_MILLIS} ms, or fails
 * before, TCP starts too, and the first connection ready carries the request. A connection is
 * only handed to the request once it is ready, so the request is written once, on the winner:
 * nothing is ever sent twice across the fallback, whatever its method. Why a race rather than a
 * timeout: where UDP is black-holed the handshake never fails, it only goes unanswered, and a
 * timeout short enough not to hurt (a few hundred ms) would also abandon QUIC on every slow
 * network; with the race the cost of a blocked UDP path is the head start, once, while QUIC
 * keeps its full TLS-handshake timeout to finish (a loser is kept in its pool for the next
 * request). A QUIC attempt that fails marks the origin's HTTP/3 broken for a while
 * ({@link AltServices}); later requests go straight to TCP. A request never fails for HTTP/3's
 * sake while TCP can serve it: it fails only if TCP fails too, with TCP's error.
 *
 * <p>With {@code HTTP_3} alone (HTTP/3 only) there is no TCP: every https request goes over
 * HTTP/3 and its failures are the request's.
 *
 * <p>Threading: any thread.
 */
public final class H3Routing implements ConnectionSource<ProtocolConnection> {

    /** How long QUIC may try alone before TCP starts beside it. */
    static final long HEAD_START_MILLIS = 300;

    private final ConnectionSource<ProtocolConnection> tcp;
    private final SharedConnections<ProtocolConnection> quic;
    private final AltServices altServices;
    private final boolean only;
    private final long headStartNanos;
    /**
     * How many HTTP/3 connections each origin has up: requests to an origin with one wait for room
     * on it rather than race TCP.
     */
    private final ConcurrentHashMap<Origin, Integer> live = new ConcurrentHashMap<>();

    private H3Routing(
            SessionConfig config,
            NettyTransport transport,
            ConnectionSource<ProtocolConnection> tcp,
            long headStartNanos) {
        this.tcp = tcp;
        this.only = config.http3Only();
        this.headStartNanos = headStartNanos;
        this.altServices = new AltServices(config.http3Origins(), System::nanoTime);
        H3Connector connector = new H3Connector(config, transport);
        this.quic = new SharedConnections<>(
                config.maxConnectionsPerOrigin(),
                config.maxConnectionsTotal(),
                config.idleTimeout().toNanos(),
                transport.group(),
                (origin, spec, group, listener) -> open(connector, origin, spec, group, listener),
                origin -> true);
    }

    /**
     * Returns the HTTP/3 routing of {@code config}'s session in front of {@code tcp}, or null if
     * the session does not speak HTTP/3 or cannot here (then it logs why, once).
     */
    public static H3Routing of(
            SessionConfig config, NettyTransport transport, ConnectionSource<ProtocolConnection> tcp) {
        if (!config.http3()) {
            return null;
        }
        String unavailable = Http3Support.unavailability(config);
        if (unavailable != null) {
            System.getLogger("io.posthaste.ClientSession")
                    .log(
                            System.Logger.Level.WARNING,
                            "HTTP/3 unavailable on this platform: " + unavailable + "; using TCP");
            return null;
        }
        return new H3Routing(config, transport, tcp, TimeUnit.MILLISECONDS.toNanos(HEAD_START_MILLIS));
    }

    /**
     * Returns whether a request to {@code origin} goes over HTTP/3 now (or races for it). Never
     * through a proxy or a Unix socket: QUIC is UDP straight to the origin, and a request routed
     * another way must not leave by it.
     */
    public boolean routes(Origin origin) {
        return origin.https()
                && origin.route().proxy() == null
                && origin.route().unixSocket() == null
                && (only || altServices.route(origin.host(), origin.port()) != null);
    }

    /**
     * Takes in the {@code Alt-Svc} field values of a response from {@code origin}: an https
     * origin's advertisement of {@code h3} sends its later requests here.
     */
    public void observe(Origin origin, List<String> altSvc) {
        if (origin.https() && !altSvc.isEmpty()) {
            altServices.observe(origin.host(), origin.port(), altSvc);
        }
    }

    @Override
    public ProtocolConnection pollIdle(Origin origin) {
        return quic.pollIdle(origin);
    }

    @Override
    public CompletableFuture<ProtocolConnection> acquire(Origin origin, Timeouts spec, boolean fresh) {
        if (only || live.containsKey(origin)) {
            return quic.acquire(origin, spec, fresh);
        }
        return race(origin, spec, fresh);
    }

    private CompletableFuture<ProtocolConnection> race(Origin origin, Timeouts spec, boolean fresh) {
        CompletableFuture<ProtocolConnection> result = new CompletableFuture<>();
        CompletableFuture<ProtocolConnection> viaQuic = quic.acquire(origin, spec, fresh);
        AtomicBoolean tcpStarted = new AtomicBoolean();
        AtomicReference<CompletableFuture<ProtocolConnection>> viaTcp = new AtomicReference<>();
        Runnable startTcp = () -> {
            if (!tcpStarted.compareAndSet(false, true) || result.isDone()) {
                return;
            }
            CompletableFuture<ProtocolConnection> acquiring = tcp.acquire(origin, spec, fresh);
            viaTcp.set(acquiring);
            acquiring.whenComplete((connection, failure) -> {
                if (connection != null) {
                    if (!result.complete(connection)) {
                        tcp.release(connection, true); // QUIC won meanwhile, or the request is gone.
                    }
                } else if (viaQuic.isCompletedExceptionally()) {
                    result.completeExceptionally(failure); // Both failed: TCP's error is the one to see.
                } else {
                    viaQuic.whenComplete((late, quicFailure) -> {
                        if (quicFailure != null) {
                            result.completeExceptionally(failure);
                        }
                    });
                }
            });
        };
        ScheduledFuture<?> headStart = tcp.timerLoop().schedule(startTcp, headStartNanos, TimeUnit.NANOSECONDS);
        viaQuic.whenComplete((connection, failure) -> {
            if (connection != null) {
                headStart.cancel(false);
                if (!result.complete(connection)) {
                    quic.release(connection, true); // Kept for the next request.
                }
                return;
            }
            headStart.cancel(false);
            startTcp.run();
        });
        result.whenComplete((connection, failure) -> {
            if (result.isCancelled()) {
                headStart.cancel(false);
                viaQuic.cancel(false);
                CompletableFuture<ProtocolConnection> acquiring = viaTcp.get();
                if (acquiring != null) {
                    acquiring.cancel(false);
                }
            }
        });
        return result;
    }

    @Override
    public void release(ProtocolConnection connection, boolean reusable) {
        if (connection instanceof Http3Connection) {
            quic.release(connection, reusable);
        } else {
            tcp.release(connection, reusable);
        }
    }

    @Override
    public EventLoop timerLoop() {
        return tcp.timerLoop();
    }

    /** Opens an HTTP/3 connection for the pool, and learns from how it went. */
    private CompletableFuture<ProtocolConnection> open(
            H3Connector connector,
            Origin origin,
            Timeouts spec,
            EventLoopGroup group,
            io.posthaste.internal.connection.ConnectionListener<ProtocolConnection> listener) {
        AltServices.Endpoint endpoint = altServices.route(origin.host(), origin.port());
        if (endpoint == null) {
            endpoint = new AltServices.Endpoint(origin.host(), origin.port()); // HTTP/3 only, or it just expired.
        }
        CompletableFuture<ProtocolConnection> opened = connector.connect(origin, endpoint, spec, group, listener);
        opened.whenComplete((connection, failure) -> {
            if (connection != null) {
                altServices.succeeded(origin.host(), origin.port());
                live.merge(origin, 1, Integer::sum);
                connection
                        .channel()
                        .closeFuture()
                        .addListener(f -> live.computeIfPresent(origin, (key, count) -> count > 1 ? count - 1 : null));
            } else if (!only) {
                altServices.failed(origin.host(), origin.port());
            }
        });
        return opened;
    }

    /** Closes every HTTP/3 connection and fails every waiter. */
    public void close() {
        quic.close();
    }
}
