package io.posthaste.internal.connection;

import io.posthaste.internal.url.RequestUrl;

/**
 * A pool key: where a connection goes. A session has one TLS configuration, so scheme, host and
 * port identify a connection's security settings too.
 *
 * @param https whether the connection uses TLS
 * @param host the host to connect to (punycode, IPv6 without brackets)
 * @param port the port
 */
public record Origin(boolean https, String host, int port) {

    /** Returns the origin of {@code url}. */
    public static Origin of(RequestUrl url) {
        return new Origin(url.isHttps(), url.host(), url.port());
    }

    @Override
    public String toString() {
        return (https ? "https://" : "http://") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
                + ":" + port;
    }
}
