package io.posthaste.internal.exchange;

import io.posthaste.internal.connection.Connection;

/**
 * A pooled connection that speaks a protocol: it gives each exchange the {@link Carrier} it runs
 * on. An HTTP/1.1 connection is its own carrier, one exchange at a time; a multiplexed one will
 * open a stream per exchange.
 */
public interface ProtocolConnection extends Connection {

    /**
     * Returns the carrier for the next exchange on this connection: the connection itself for
     * HTTP/1.1, a new stream for a multiplexed protocol (so an exchange asks once). Any thread;
     * the carrier does nothing on the network until it writes.
     */
    Carrier carrier();
}
