package io.posthaste.internal.connection;

import io.posthaste.internal.proxy.ProxyAddress;
import io.posthaste.internal.proxy.Route;
import io.posthaste.internal.url.RequestUrl;

/**
 * A pool key: where a connection goes, and which way. The route (proxy with its user, or Unix
 * socket) is part of it, so that a connection made one way never carries a request meant to go
 * another. A session has one TLS configuration (and its pool is its own), so scheme, host, port
 * and route identify a connection's security settings too: no request can find a connection made
 * with looser TLS settings than its own (CVE-2024-35195).
 *
 * @param https whether the exchange uses TLS with the origin
 * @param host the origin's host (punycode, IPv6 without brackets)
 * @param port the origin's port
 * @param route which way the connection goes
 */
public record Origin(boolean https, String host, int port, Route route) {

    /** A direct origin. */
    public Origin(boolean https, String host, int port) {
        this(https, host, port, Route.DIRECT);
    }

    /** Returns the origin of {@code url}, reached directly. */
    public static Origin of(RequestUrl url) {
        return new Origin(url.isHttps(), url.host(), url.port());
    }

    /** Returns the origin of {@code url}, reached by {@code route}. */
    public static Origin of(RequestUrl url, Route route) {
        return new Origin(url.isHttps(), url.host(), url.port(), route);
    }

    /**
     * Returns the HTTP proxy that takes this origin's requests in absolute form, or {@code null}
     * when requests go to the origin itself (directly or through a tunnel).
     */
    public ProxyAddress forwardingProxy() {
        return route.forwards(https) ? route.proxy() : null;
    }

    /** Returns whether the channel carries no TLS at all: neither to the origin nor to a proxy. */
    public boolean plainChannel() {
        return !https && (route.proxy() == null || route.proxy().kind() != ProxyAddress.Kind.HTTPS);
    }

    @Override
    public String toString() {
        return (https ? "https://" : "http://") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port
                + route;
    }
}
