package io.posthaste.internal.websocket;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.posthaste.ClientException;
import io.posthaste.Cookie;
import io.posthaste.Event;
import io.posthaste.Headers;
import io.posthaste.Request;
import io.posthaste.internal.Bridge;
import io.posthaste.internal.connection.NettyTransport;
import io.posthaste.internal.connection.Origin;
import io.posthaste.internal.exchange.Failures;
import io.posthaste.internal.proxy.Route;
import io.posthaste.internal.semantics.HttpSemantics;
import io.posthaste.internal.session.Events;
import io.posthaste.internal.session.SessionConfig;
import io.posthaste.internal.url.RequestUrl;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;

/**
 * Opens WebSockets for a session: a dedicated HTTP/1.1 connection from the session's transport
 * (its DNS, connect timeout, TLS settings and events), then the opening handshake with the
 * request's headers (the session's defaults and credentials already merged in), the
 * {@code User-Agent}, credentials from the URL and the cookie jar's cookies; the answer's
 * {@code Set-Cookie} goes back into the jar. Thread-safe.
 */
public final class WsConnector {

    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_CHUNK = 8192;

    private final NettyTransport transport;
    private final SessionConfig config;
    private final BooleanSupplier closing;
    private final Failures failures;

    /** Creates the connector of a session whose transport is {@code transport}, closing when {@code closing} says. */
    public WsConnector(NettyTransport transport, SessionConfig config, BooleanSupplier closing) {
        this.transport = transport;
        this.config = config;
        this.closing = closing;
        this.failures = new Failures(closing);
    }

    /**
     * Opens the WebSocket {@code request} (a GET to an http(s) URL standing for ws(s)) asks for.
     * The future completes on the session's callback executor: with the open WebSocket, a
     * {@link HandshakeRefused} for an answer that is not one, or a {@link ClientException}.
     * Cancelling it drops the connection.
     */
    public CompletableFuture<WsConnection> connect(Request request, WsSettings settings) {
        RequestUrl url = Bridge.get().url(request);
        URI wsUri = URI.create((url.isHttps() ? "wss" : "ws")
                + url.uri().toString().substring(url.scheme().length()));
        String name = "GET " + wsUri;
        CompletableFuture<WsConnection> result = new CompletableFuture<>();
        List<Map.Entry<String, String>> headers;
        try {
            headers = headLines(request, url);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        // The session's proxy applies as to any request; a WebSocket leaves HTTP behind, so
        // through an HTTP proxy it always goes by a CONNECT tunnel, never forwarded.
        Route route = config.routes()
                .choose(url.isHttps(), url.host(), url.port(), null)
                .tunnelled();
        Origin origin = Origin.of(url, route);
        Events.emit(config.eventListener(), Event.Type.CALL_START, request, wsUri.toString());
        String subprotocols = settings.subprotocols().isEmpty() ? null : String.join(", ", settings.subprotocols());
        Handshake handshake = new Handshake(wsUri, url.target(), url.hostHeader(), subprotocols, headers, settings);
        HandshakeHandler[] handler = new HandshakeHandler[1];
        CompletableFuture<WsConnection> connected = transport.connectHttp1(
                origin,
                request.timeouts(),
                (channel, protocol) -> CompletableFuture.completedFuture(
                        install(channel, origin, handshake, settings, name, request, handler)));
        connected.whenComplete((socket, failure) -> {
            if (failure != null) {
                finish(result, request, wsUri, route, null, failure);
                return;
            }
            if (result.isDone()) {
                socket.abort();
                return;
            }
            Channel channel = socket.channel();
            channel.eventLoop().execute(() -> {
                handler[0]
                        .opened()
                        .whenComplete((open, refused) -> finish(result, request, wsUri, route, open, refused));
                handler[0].start();
            });
        });
        result.whenComplete((socket, failure) -> {
            if (result.isCancelled()) {
                connected.cancel(false);
                connected.thenAccept(WsConnection::abort);
            }
        });
        return result;
    }

    private WsConnection install(
            Channel channel,
            Origin origin,
            Handshake handshake,
            WsSettings settings,
            String name,
            Request request,
            HandshakeHandler[] handler) {
        WsConnection socket = new WsConnection(origin, channel, settings, config.callbackExecutor(), closing, name);
        channel.pipeline()
                .addLast("http", new HttpClientCodec(MAX_INITIAL_LINE, config.maxResponseHeaderSize(), MAX_CHUNK));
        if (settings.compression()) {
            // Bounds what one compressed frame may inflate to. Netty's inflater fails as soon as its
            // buffer is full, even when the frame ends exactly there: the margin lets a message of
            // exactly the limit through, and the FrameHandler holds the limit itself.
            int inflated = (int) Math.min(Integer.MAX_VALUE - 8, settings.maxMessageSize() + 1024L);
            channel.pipeline().addLast("ws-deflate", new WebSocketClientCompressionHandler(inflated));
        }
        handler[0] =
                new HandshakeHandler(handshake, socket, name, request.timeouts().read());
        channel.pipeline().addLast("ws-handshake", handler[0]);
        return socket;
    }

    private void finish(
            CompletableFuture<WsConnection> result,
            Request request,
            URI wsUri,
            Route route,
            WsConnection open,
            Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        Throwable translated = cause == null || cause instanceof HandshakeRefused
                ? cause
                : failures.translate(
                        "GET " + wsUri, Bridge.get().url(request), request.timeouts(), route, cause, false);
        if (cause instanceof HandshakeRefused refused) {
            saveCookies(request, refused.headers());
            Events.emit(
                    config.eventListener(),
                    Event.Type.RESPONSE_HEADERS_RECEIVED,
                    request,
                    wsUri.toString(),
                    refused.status(),
                    0,
                    null);
        } else if (open != null) {
            saveCookies(request, open.handshakeHeaders());
            Events.emit(
                    config.eventListener(),
                    Event.Type.RESPONSE_HEADERS_RECEIVED,
                    request,
                    wsUri.toString(),
                    101,
                    0,
                    null);
        }
        Events.emit(config.eventListener(), Event.Type.CALL_END, request, wsUri.toString(), 0, 0, translated);
        Runnable completion = translated == null
                ? () -> {
                    if (!result.complete(open)) {
                        open.abort();
                    }
                }
                : () -> result.completeExceptionally(translated);
        try {
            config.callbackExecutor().execute(completion);
        } catch (RuntimeException rejected) {
            completion.run();
        }
    }

    private void saveCookies(Request request, Headers headers) {
        List<String> setCookies = headers.allValues("Set-Cookie");
        if (!setCookies.isEmpty()) {
            try {
                config.cookieJar().save(request.url(), setCookies);
            } catch (RuntimeException e) {
                // The jar is the caller's code; its failure must not break an open WebSocket.
                System.getLogger(WsConnector.class.getName())
                        .log(System.Logger.Level.WARNING, "the cookie jar failed to save cookies", e);
            }
        }
    }

    /**
     * The request's headers as the handshake sends them after its own: the caller's and the
     * session's, {@code User-Agent}, {@code Authorization} from the URL's user info, and the
     * jar's cookies (a cookie the caller set by hand wins over the jar's of the same name).
     */
    private List<Map.Entry<String, String>> headLines(Request request, RequestUrl url) {
        Headers headers = request.headers();
        List<Map.Entry<String, String>> lines = new ArrayList<>(headers.size() + 3);
        headers.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Cookie")) {
                lines.add(Map.entry(name, value));
            }
        });
        if (!headers.contains("User-Agent") && !request.skippedAutoHeaders().contains("user-agent")) {
            lines.add(Map.entry("User-Agent", config.userAgent()));
        }
        if (url.userInfo() != null && !headers.contains("Authorization")) {
            String decoded = URLDecoder.decode(url.userInfo().replace("+", "%2B"), StandardCharsets.UTF_8);
            lines.add(Map.entry("Authorization", HttpSemantics.basicAuthorization(decoded)));
        }
        String cookies = cookieHeader(headers.get("Cookie"), config.cookieJar().load(request.url()));
        if (cookies != null) {
            lines.add(Map.entry("Cookie", cookies));
        }
        return lines;
    }

    private static String cookieHeader(String explicit, List<Cookie> fromJar) {
        if (fromJar.isEmpty()) {
            return explicit;
        }
        StringBuilder header = new StringBuilder(explicit == null ? "" : explicit);
        Set<String> explicitNames = new HashSet<>();
        if (explicit != null) {
            for (String pair : explicit.split(";")) {
                int eq = pair.indexOf('=');
                explicitNames.add((eq < 0 ? pair : pair.substring(0, eq)).trim());
            }
        }
        for (Cookie cookie : fromJar) {
            if (!explicitNames.contains(cookie.name())) {
                if (header.length() > 0) {
                    header.append("; ");
                }
                header.append(cookie.name()).append('=').append(cookie.value());
            }
        }
        return header.toString();
    }
}
