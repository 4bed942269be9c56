package io.posthaste.internal.connection;

import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;

/**
 * An NIO socket channel that can be closed while no thread runs its event loop: a caller's own
 * loop that nobody drives, or a loop that has stopped. Netty's own close must run on the
 * channel's loop (and asserts so when assertions are on); {@link #closeUndriven()} closes the
 * JDK channel directly instead, as a native channel's descriptor is closed. The socket is freed
 * once its selector lets go of it: at that selector's next select, or when it is closed.
 */
final class ClosableNioSocketChannel extends NioSocketChannel {

    /** Closes the JDK channel; only for a channel whose loop no thread runs. */
    void closeUndriven() throws IOException {
        javaChannel().close();
    }
}
