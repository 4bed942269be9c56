package io.posthaste.internal.connection;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.proxy.Socks4ProxyHandler;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.posthaste.internal.proxy.ProxyAddress;
import io.posthaste.internal.proxy.ProxyFailure;
import io.posthaste.internal.semantics.DigestResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.NoSuchAlgorithmException;

/**
 * Speaks to proxies with Netty's handlers: the one that opens a tunnel through a proxy (HTTP
 * {@code CONNECT} with Basic, or Digest once the proxy asked for it; SOCKS5 with user and
 * password; SOCKS4a), where the target is named (by name
 * unless the client looks it up: {@code socks5://}), and what a refusal means for the caller
 * ({@link ProxyFailure}). The {@code CONNECT} request carries {@code Host}, and
 * {@code Proxy-Authorization} when the proxy URL has a user: never a header of the application.
 * Stateless.
 */
final class ProxyDialer {

    private ProxyDialer() {}

    /**
     * Returns the handler that opens a tunnel to the channel's destination through {@code proxy},
     * reached at {@code address}, failing if the proxy has not agreed within {@code timeoutMillis}.
     * An HTTP proxy gets the proxy URL's credentials by Basic, or {@code authorization} (a Digest
     * answer, see {@link #digestAnswer}) instead when it is not {@code null}.
     */
    static ProxyHandler tunnel(
            ProxyAddress proxy, InetSocketAddress address, long timeoutMillis, String authorization) {
        if (authorization != null && proxy.kind().isHttp()) {
            HttpProxyHandler handler = new HttpProxyHandler(
                    address, new DefaultHttpHeaders().set(HttpHeaderNames.PROXY_AUTHORIZATION, authorization), true);
            handler.setConnectTimeoutMillis(timeoutMillis);
            return handler;
        }
        ProxyHandler handler = switch (proxy.kind()) {
            // A fresh header set: the CONNECT carries nothing of the application's (checklist 35).
            case HTTP, HTTPS ->
                proxy.user() == null
                        ? new HttpProxyHandler(address, new DefaultHttpHeaders(), true)
                        : new HttpProxyHandler(address, proxy.user(), password(proxy), new DefaultHttpHeaders(), true);
            case SOCKS5, SOCKS5H ->
                proxy.user() == null
                        ? new Socks5ProxyHandler(address)
                        : new Socks5ProxyHandler(address, proxy.user(), password(proxy));
            case SOCKS4A -> new Socks4ProxyHandler(address, proxy.user());
        };
        handler.setConnectTimeoutMillis(timeoutMillis);
        return handler;
    }

    /**
     * Returns the address the tunnel asks for: the name, for the proxy to look up, unless the
     * client looks names up ({@code socks5://}), then {@code resolved}.
     */
    static SocketAddress destination(ProxyAddress proxy, Origin origin, InetAddress resolved) {
        return resolved != null
                ? new InetSocketAddress(resolved, origin.port())
                : InetSocketAddress.createUnresolved(origin.host(), origin.port());
    }

    /** Returns whether the client looks the target up itself before it asks {@code proxy} for it. */
    static boolean resolvesTarget(ProxyAddress proxy) {
        return proxy.kind() == ProxyAddress.Kind.SOCKS5;
    }

    /**
     * Returns the {@code Proxy-Authorization} that answers the Digest challenge of a {@code 407}
     * the proxy gave to {@code CONNECT} (RFC 7616, with the proxy URL's user), or {@code null}
     * when {@code cause} is no such answer, or the proxy URL has no user. Asked once per connect:
     * a 407 to the Digest answer is final.
     */
    static String digestAnswer(Throwable cause, ProxyAddress proxy, Origin origin) {
        if (!(cause instanceof HttpProxyHandler.HttpProxyConnectException refused)
                || proxy.user() == null
                || refused.headers() == null
                || !String.valueOf(cause.getMessage()).contains("status: 407")) {
            return null;
        }
        for (String challenge : refused.headers().getAll(HttpHeaderNames.PROXY_AUTHENTICATE)) {
            String trimmed = challenge.trim();
            if (trimmed.regionMatches(true, 0, "Digest ", 0, 7)) {
                try {
                    return DigestResponse.authorization(
                            DigestResponse.parameters(trimmed.substring(7)),
                            proxy.user(),
                            password(proxy),
                            "CONNECT",
                            target(origin));
                } catch (NoSuchAlgorithmException unsupported) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Returns the target as {@code CONNECT} names it: {@code host:port}, an IPv6 host in brackets. */
    private static String target(Origin origin) {
        return (origin.host().indexOf(':') >= 0 ? "[" + origin.host() + "]" : origin.host()) + ":" + origin.port();
    }

    /** Returns the failure the caller should hear of for what Netty's proxy handler reported. */
    static Throwable failure(Throwable cause, ProxyAddress proxy, Origin origin) {
        if (!(cause instanceof ProxyConnectException)) {
            return cause;
        }
        String target = target(origin);
        // Netty's message is "protocol, auth, proxy => destination, what": keep the "what".
        String message = String.valueOf(cause.getMessage());
        int comma = message.lastIndexOf(", ");
        String what = comma < 0 ? message : message.substring(comma + 2);
        if (what.equals("timeout")) {
            return new ProxyFailure(proxy, target, ProxyFailure.Reason.TIMEOUT, -1, what, cause);
        }
        if (what.equals("disconnected")) {
            return new ProxyFailure(proxy, target, ProxyFailure.Reason.CLOSED, -1, what, cause);
        }
        if (what.startsWith("status: ") && proxy.kind().isHttp()) {
            String status = what.substring("status: ".length());
            int code = status.length() >= 3 && status.substring(0, 3).chars().allMatch(Character::isDigit)
                    ? Integer.parseInt(status.substring(0, 3))
                    : -1;
            return new ProxyFailure(
                    proxy,
                    target,
                    code == 407 ? ProxyFailure.Reason.AUTHENTICATION : ProxyFailure.Reason.REFUSED,
                    code,
                    status,
                    cause);
        }
        if (what.startsWith("authStatus: ") || what.startsWith("unexpected authMethod")) {
            return new ProxyFailure(proxy, target, ProxyFailure.Reason.AUTHENTICATION, -1, what, cause);
        }
        return new ProxyFailure(proxy, target, ProxyFailure.Reason.REFUSED, -1, what, cause);
    }

    private static String password(ProxyAddress proxy) {
        return proxy.password() == null ? "" : proxy.password();
    }

    /**
     * Sits behind the proxy handler until the tunnel is open: the proxy's FIN ends the connection
     * (the transport allows half-closure, which would leave the handler waiting for its timeout),
     * and the failure the handler reports is heard through its future, not logged at the tail.
     */
    static final class UntilOpen extends ChannelInboundHandlerAdapter {

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof ChannelInputShutdownEvent) {
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
