package io.posthaste.internal.exchange;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.posthaste.ClientConnectionException;
import io.posthaste.ClientException;
import io.posthaste.ClientPayloadException;
import io.posthaste.ClientTimeoutException;
import io.posthaste.ProxyException;
import io.posthaste.Timeouts;
import io.posthaste.internal.connection.ConnectionPool;
import io.posthaste.internal.connection.ProxyTlsException;
import io.posthaste.internal.proxy.ProxyFailure;
import io.posthaste.internal.proxy.Route;
import io.posthaste.internal.url.RequestUrl;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLException;

/**
 * Turns whatever went wrong under an exchange (a Netty or JDK exception, a pool's refusal, a
 * timer) into the {@link ClientException} its caller sees: one message per cause, naming the
 * request, saying whether the server may have processed it, quoting at most
 * {@value #MAX_CAUSE_MESSAGE} characters of a cause. Stateless but for whether the session is
 * closing; any thread.
 */
public final class Failures {

    private final BooleanSupplier closing;

    /** Creates the translator of a session that is closing when {@code closing} says so. */
    public Failures(BooleanSupplier closing) {
        this.closing = closing;
    }

    /**
     * Returns the error of an answer whose connection closed before the end of its body: the
     * body is what was lost, so a payload error — unless this client closed it, its session
     * closing (the request was processed: its answer had begun).
     */
    public ClientException bodyCutOff(ExchangeSpec spec) {
        if (closing.getAsBoolean()) {
            return translate(spec, new ClosedChannelException(), ClientTimeoutException.Phase.READ, true);
        }
        return new ClientPayloadException(
                spec.describe() + ": the server closed the connection before the end of the body", null);
    }

    /** Turns any failure into the exception the caller should see, naming the request. */
    public ClientException translate(
            ExchangeSpec spec, Throwable failure, ClientTimeoutException.Phase phase, boolean mayHaveBeenProcessed) {
        return translate(spec.describe(), spec.url(), spec.timeouts(), spec.route(), failure, mayHaveBeenProcessed);
    }

    /**
     * Turns any failure into the exception the caller should see, for a request that is no
     * exchange (a WebSocket's opening handshake): {@code request} names it (method and URL, as
     * {@link ExchangeSpec#describe()} does), {@code url}, {@code timeouts} and {@code route} are its own.
     */
    public ClientException translate(
            String request,
            RequestUrl url,
            Timeouts timeouts,
            Route route,
            Throwable failure,
            boolean mayHaveBeenProcessed) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ClientException e) {
            return e;
        }
        if (closing.getAsBoolean() || cause instanceof ConnectionPool.PoolClosedException) {
            // Whatever the connection saw, it was this client that ended the call.
            return new ClientConnectionException(
                    request + ": the session was closed"
                            + (mayHaveBeenProcessed
                                    ? " while the request was in flight (it may have been processed)"
                                    : ""),
                    cause,
                    false,
                    mayHaveBeenProcessed);
        }
        if (cause instanceof ConnectionPool.AcquireTimeoutException) {
            return new ClientTimeoutException(
                    request + ": no pooled connection became free within "
                            + timeouts.poolAcquire().toMillis() + " ms (POOL_ACQUIRE timeout)",
                    ClientTimeoutException.Phase.POOL_ACQUIRE,
                    timeouts.poolAcquire());
        }
        if (cause instanceof ProxyFailure proxy) {
            if (proxy.reason() == ProxyFailure.Reason.TIMEOUT) {
                return new ClientTimeoutException(
                        request + ": " + proxy.getMessage() + " ("
                                + timeouts.connect().toMillis() + " ms, CONNECT timeout)",
                        ClientTimeoutException.Phase.CONNECT,
                        timeouts.connect());
            }
            return new ProxyException(
                    request + ": " + proxy.getMessage(), proxy.proxy().toString(), proxy.status(), proxy);
        }
        if (cause instanceof ConnectTimeoutException) {
            return new ClientTimeoutException(
                    request + ": cannot connect to " + dialed(url, route) + " within "
                            + timeouts.connect().toMillis() + " ms (CONNECT timeout)",
                    ClientTimeoutException.Phase.CONNECT,
                    timeouts.connect());
        }
        if (cause instanceof SslHandshakeTimeoutException) {
            return new ClientTimeoutException(
                    request + ": TLS handshake with " + url.hostHeader()
                            + " did not finish within "
                            + timeouts.tlsHandshake().toMillis()
                            + " ms (TLS_HANDSHAKE timeout)",
                    ClientTimeoutException.Phase.TLS_HANDSHAKE,
                    timeouts.tlsHandshake());
        }
        NotSslRecordException notTls = notTls(cause);
        if (notTls != null) {
            // The record's bytes are no help to a user; what they spell usually is.
            return new ClientConnectionException(
                    request + ": "
                            + (answeredInPlainHttp(notTls)
                                    ? "the server answered in plain HTTP, not TLS — is the scheme right (http://)?"
                                    : "the server's answer is not TLS — is the scheme or the port right?"),
                    notTls,
                    true,
                    false);
        }
        if (cause instanceof SSLException
                || cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            Throwable ssl = cause instanceof SSLException ? cause : cause.getCause();
            String peer = ssl instanceof ProxyTlsException proxied ? "proxy " + proxied.proxy() : url.hostHeader();
            return new ClientConnectionException(
                    request + ": TLS handshake with " + peer + " failed: " + simpleMessage(ssl), ssl, true, false);
        }
        if (cause instanceof DecoderException) {
            return new ClientPayloadException(request + ": malformed response: " + simpleMessage(cause), cause);
        }
        if (cause instanceof ConnectException) {
            return new ClientConnectionException(
                    request + ": cannot connect to " + dialed(url, route) + " ssl:"
                            + (url.isHttps() ? "default" : "false") + " [" + simpleMessage(cause) + "]",
                    cause,
                    false,
                    false);
        }
        if (cause instanceof UnknownHostException) {
            return new ClientConnectionException(
                    request + ": cannot resolve host "
                            + (route.proxy() != null
                                            && !url.host().equals(route.proxy().host())
                                            && cause.getMessage() != null
                                            && cause.getMessage()
                                                    .startsWith(route.proxy().host())
                                    ? route.proxy().host() + " (the proxy " + route.proxy() + ")"
                                    : url.host()),
                    cause,
                    false,
                    false);
        }
        if (cause instanceof CancellationException) {
            return new ClientConnectionException(request + ": cancelled", cause, false, mayHaveBeenProcessed);
        }
        String what = cause instanceof ClosedChannelException
                ? "the server closed the connection"
                : "connection failed: " + simpleMessage(cause);
        return new ClientConnectionException(
                request + ": " + what
                        + (mayHaveBeenProcessed
                                ? " (the request may have been processed)"
                                : " (nothing of the request was sent)"),
                cause,
                false,
                mayHaveBeenProcessed);
    }

    /**
     * The failure of a request the server said it never processed ({@code cause}: its REFUSED_STREAM
     * or GOAWAY) and that cannot go again: it was bounced {@code attempts} times, or its one-shot
     * body was begun and cannot be sent twice. It is safe to send again.
     */
    static ClientConnectionException unprocessed(
            ExchangeSpec spec, Throwable cause, int attempts, boolean oneShotBodyBegun) {
        return new ClientConnectionException(
                spec.describe() + ": " + simpleMessage(cause)
                        + (oneShotBodyBegun
                                ? " (the request was not processed, but its one-shot body cannot be sent again)"
                                : " (the request was not processed; gave up after " + attempts + " attempts)"),
                cause,
                false,
                false);
    }

    /** Names what a connect dials: the host, or the proxy or Unix socket on its way to it. */
    private static String dialed(RequestUrl url, Route route) {
        String host = "host " + url.hostHeader();
        if (route.proxy() != null) {
            return "proxy " + route.proxy() + " (for " + host + ")";
        }
        return route.unixSocket() != null ? "unix socket " + route.unixSocket() + " (for " + host + ")" : host;
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

    /**
     * Returns the timeout error of {@code phase} for {@code spec}, which had received
     * {@code received} bytes of its answer when {@code limit} ran out.
     */
    static ClientTimeoutException timeout(
            ExchangeSpec spec, ClientTimeoutException.Phase phase, Duration limit, long received) {
        String what = switch (phase) {
            case READ ->
                received == 0
                        ? "no response bytes arrived for"
                        : "the response stalled after " + received + " bytes: nothing more arrived for";
            case WRITE -> "the server took no request bytes for";
            case TOTAL -> "the call (every redirect, retry and wait) did not finish within";
            default -> phase + " took longer than";
        };
        return new ClientTimeoutException(
                spec.describe() + ": " + what + " " + limit.toMillis() + " ms (" + phase + " timeout)", phase, limit);
    }
}
