package io.posthaste.internal.proxy;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The one place a request's {@link Route} is chosen. A request's own route (its
 * {@code proxy(…)}, {@code noProxy()} or {@code unixSocket(…)}) wins; else the session's, in this
 * order: its Unix socket, its proxy ({@code "direct"}: none), its {@link ProxySelector}, the
 * environment it trusts, and else straight to the origin. Immutable; any thread.
 */
public final class Routes {

    /** A session with no route settings: every request goes straight to its origin. */
    public static final Routes DIRECT = new Routes(null, null, null, null, false);

    private final Route fixed;
    private final ProxySelector selector;
    private final ProxyEnvironment environment;
    private final Path unixSocket;
    private final boolean tunnel;

    private Routes(Route fixed, ProxySelector selector, ProxyEnvironment environment, Path unixSocket, boolean tunnel) {
        this.fixed = fixed;
        this.selector = selector;
        this.environment = environment;
        this.unixSocket = unixSocket;
        this.tunnel = tunnel;
    }

    /**
     * Returns a session's routes.
     *
     * @param proxy the session's proxy URL, {@code "direct"} for none, or {@code null} if unset
     * @param selector the session's proxy selector, or {@code null}
     * @param environment the environment it trusts, or {@code null}
     * @param unixSocket the session's Unix socket, or {@code null}
     * @param tunnel whether HTTP proxies are asked for {@code CONNECT} tunnels for {@code http://} targets too
     * @throws IllegalStateException if a Unix socket is set beside a proxy or a selector
     */
    public static Routes of(
            String proxy, ProxySelector selector, ProxyEnvironment environment, Path unixSocket, boolean tunnel) {
        if (unixSocket != null && (proxy != null || selector != null)) {
            throw new IllegalStateException("unixSocket(...) goes to a local server: it cannot be combined with "
                    + "proxy(...) or proxySelector(...)");
        }
        if (proxy != null && selector != null) {
            throw new IllegalStateException("proxy(...) and proxySelector(...) both choose the proxy: use one");
        }
        if (proxy == null && selector == null && environment == null && unixSocket == null && !tunnel) {
            return DIRECT;
        }
        return new Routes(
                proxy == null ? null : parse(proxy),
                selector,
                environment,
                unixSocket == null ? null : unixSocket.toAbsolutePath(),
                tunnel);
    }

    /**
     * Returns the route a request's own {@code proxy(url)} names: {@link Route#DIRECT} for
     * {@code "direct"} (or an empty URL, as curl's {@code --proxy ""}).
     *
     * @throws IllegalArgumentException if the URL is malformed (never quoting a password)
     */
    public static Route parse(String proxy) {
        String url = proxy.trim();
        return url.isEmpty() || url.equalsIgnoreCase("direct") ? Route.DIRECT : Route.via(ProxyAddress.parse(url));
    }

    /**
     * Returns the route of a request to {@code host}:{@code port} ({@code https} or not), whose
     * own route is {@code own} ({@code null}: the session's).
     */
    public Route choose(boolean https, String host, int port, Route own) {
        Route chosen = own != null ? own : sessionRoute(https, host, port);
        return tunnel ? chosen.tunnelled() : chosen;
    }

    /**
     * Returns whether a route this session chooses may go through a proxy with credentials: a
     * proxy URL with a user, or one the environment may name. (A {@link ProxySelector} names no
     * credentials.) A request's own route is asked about separately.
     */
    public boolean mayAuthenticate() {
        return fixed != null && fixed.proxy() != null && fixed.proxy().user() != null || environment != null;
    }

    private Route sessionRoute(boolean https, String host, int port) {
        if (unixSocket != null) {
            return new Route(null, unixSocket);
        }
        if (fixed != null) {
            return fixed;
        }
        if (selector != null) {
            return fromSelector(https, host, port);
        }
        if (environment != null) {
            ProxyAddress proxy = environment.proxyFor(https, host, port);
            return proxy == null ? Route.DIRECT : Route.via(proxy);
        }
        return Route.DIRECT;
    }

    /**
     * Asks the selector, taking its first answer: {@code HTTP} is an HTTP proxy, {@code SOCKS} a
     * SOCKS5 proxy that looks names up itself (as the JDK's sockets let it), {@code DIRECT} none.
     */
    private Route fromSelector(boolean https, String host, int port) {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        List<Proxy> proxies = selector.select(URI.create((https ? "https://" : "http://") + h + ":" + port));
        if (proxies == null || proxies.isEmpty() || proxies.get(0).type() == Proxy.Type.DIRECT) {
            return Route.DIRECT;
        }
        Proxy proxy = proxies.get(0);
        SocketAddress address = proxy.address();
        if (!(address instanceof InetSocketAddress inet)) {
            throw new IllegalArgumentException(
                    "the ProxySelector answered an address that is no host and port: " + address);
        }
        ProxyAddress.Kind kind = proxy.type() == Proxy.Type.HTTP ? ProxyAddress.Kind.HTTP : ProxyAddress.Kind.SOCKS5H;
        return Route.via(new ProxyAddress(kind, inet.getHostString(), inet.getPort(), null, null));
    }
}
