package io.posthaste.internal.proxy;

import java.nio.file.Path;

/**
 * Which way a connection goes to its origin: straight, through a proxy, or over a Unix domain
 * socket. Part of the pool key, so that a connection is only ever reused for requests that take
 * the same way (through the same proxy, as the same proxy user). Immutable.
 *
 * @param proxy the proxy, or {@code null}
 * @param unixSocket the socket path, or {@code null}; never both
 * @param tunnel whether an HTTP proxy is asked for a {@code CONNECT} tunnel for {@code http://}
 *     targets too (curl's {@code --proxytunnel}), rather than given their requests as they are
 */
public record Route(ProxyAddress proxy, Path unixSocket, boolean tunnel) {

    /** Straight to the origin over TCP. */
    public static final Route DIRECT = new Route(null, null, false);

    public Route {
        if (proxy != null && unixSocket != null) {
            throw new IllegalArgumentException("a route goes through a proxy or a Unix socket, not both");
        }
    }

    /** A route with no tunnel asked for. */
    public Route(ProxyAddress proxy, Path unixSocket) {
        this(proxy, unixSocket, false);
    }

    /** Returns this route, tunnelling {@code http://} targets too when it goes through an HTTP proxy. */
    public Route tunnelled() {
        return proxy != null && proxy.kind().isHttp() && !tunnel ? new Route(proxy, null, true) : this;
    }

    /** Returns the route through {@code proxy}. */
    public static Route via(ProxyAddress proxy) {
        return new Route(proxy, null);
    }

    /** Returns the route over the Unix domain socket at {@code path}. */
    public static Route unix(Path path) {
        return new Route(null, path.toAbsolutePath());
    }

    /** Returns whether requests to a target of this scheme go to an HTTP proxy in absolute form. */
    public boolean forwards(boolean httpsTarget) {
        return proxy != null && !tunnel && proxy.forwards(httpsTarget);
    }

    /** Names the route in messages ({@code ""} when direct); never a password. */
    @Override
    public String toString() {
        return proxy != null ? " via proxy " + proxy : unixSocket != null ? " via unix:" + unixSocket : "";
    }
}
