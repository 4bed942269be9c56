package io.posthaste.bench;

/**
 * The HTTP version a driver must speak in the TLS scenarios ({@link DriverFactory#openTls}): all
 * three against one server (caddy), so that the versions compare on equal terms.
 */
public enum HttpVersion {
    /** HTTP/1.1 over TLS, offered alone by ALPN: one request per connection at a time. */
    HTTP_1_1,
    /** HTTP/2 over TLS ({@code h2} by ALPN): the concurrent requests share one connection. */
    HTTP_2,
    /** HTTP/3 over QUIC by prior knowledge of the origin: concurrent requests share one connection. */
    HTTP_3
}
