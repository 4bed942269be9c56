package io.posthaste.bench;

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
}
