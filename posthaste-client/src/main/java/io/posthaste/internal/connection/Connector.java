package io.posthaste.internal.connection;

import io.netty.channel.EventLoopGroup;
import io.posthaste.Timeouts;
import java.util.concurrent.CompletableFuture;

/**
 * Opens connections: TCP (and TLS) from the transport, then the protocol's handlers on top.
 * Both connection sources open theirs through it, each on its own loops.
 *
 * @param <C> the connection type
 */
@FunctionalInterface
public interface Connector<C extends Connection> {

    /**
     * Opens a connection to {@code origin} on one of {@code loops}, within the connect and
     * TLS-handshake timeouts of {@code spec}; {@code listener} hears if it is lost while idle.
     */
    CompletableFuture<C> connect(Origin origin, Timeouts spec, EventLoopGroup loops, ConnectionListener<C> listener);
}
