package io.posthaste.internal.connection;

import io.netty.channel.Channel;

/**
 * A connection as the connection layer sees it, whatever protocol it speaks: where it goes, the
 * channel under it, and what the pool needs ({@link ConnectionPool.Pooled}).
 */
public interface Connection extends ConnectionPool.Pooled {

    /** Returns where this connection goes. */
    Origin origin();

    /** Returns the channel (the socket, with TLS if any) this connection runs on. */
    Channel channel();
}
