package io.posthaste.bench;

import java.net.URI;

/**
 * Opens {@link Driver}s; found with {@link java.util.ServiceLoader}, one or more per peer module.
 */
public interface DriverFactory {

    /** The short name used on the command line and in results, e.g. {@code okhttp}. */
    String name();

    /** The client library and version, e.g. "OkHttp 5.5.1". */
    String description();

    /**
     * Opens a client allowing at least {@code maxConnections} concurrent connections to one
     * origin (and at least as many in-flight requests), so that no peer is throttled by a default.
     */
    Driver open(int maxConnections) throws Exception;

    /**
     * Opens a client that speaks HTTP/2 over cleartext by prior knowledge (h2c, no negotiation)
     * to every origin, multiplexing concurrent requests as streams on one connection where the
     * library does so by itself, and allowing at least {@code maxStreams} in flight.
     *
     * @throws UnsupportedOperationException if the library cannot (the message says why); the
     *     run then records the pair as skipped
     */
    default Driver openHttp2(int maxStreams) throws Exception {
        throw new UnsupportedOperationException("no HTTP/2 by prior knowledge (h2c) in this driver");
    }

    /**
     * Opens a client like {@link #open} that sends every request through the HTTP forwarding
     * proxy at {@code proxy} ({@code http://host:port}, no credentials).
     *
     * @throws UnsupportedOperationException if the driver does not set a proxy (the message says
     *     so); the run then records the pair as skipped
     */
    default Driver openProxied(int maxConnections, URI proxy) throws Exception {
        throw new UnsupportedOperationException("no proxy setting in this driver");
    }

    /**
     * Opens a client for {@code https://} origins that speaks exactly {@code version} to them,
     * allowing at least {@code maxConcurrency} requests in flight to one origin (as connections
     * for HTTP/1.1, as streams on one connection for HTTP/2 and HTTP/3). The server's certificate
     * is trusted through the JVM's default trust store: the run points
     * {@code javax.net.ssl.trustStore} at it, so a driver keeps its library's default trust.
     *
     * @throws UnsupportedOperationException if the library cannot speak {@code version} (the
     *     message says why); the run then records the pair as skipped
     */
    default Driver openTls(int maxConcurrency, HttpVersion version) throws Exception {
        throw new UnsupportedOperationException("no " + version + " over TLS in this driver");
    }
}
