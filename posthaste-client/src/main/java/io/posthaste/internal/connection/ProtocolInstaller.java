package io.posthaste.internal.connection;

import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * Puts a protocol's handlers on a new channel, once the protocol is known: at once for cleartext,
 * after the TLS handshake's ALPN answer otherwise.
 *
 * @param <C> the connection type
 */
@FunctionalInterface
public interface ProtocolInstaller<C extends Connection> {

    /** The ALPN name of HTTP/2, also used for cleartext HTTP/2 by prior knowledge. */
    String H2 = "h2";
    /** The ALPN name of HTTP/1.1, also used when a TLS server agreed to no protocol. */
    String HTTP_1_1 = "http/1.1";

    /**
     * Adds the handlers of {@code protocol} ({@link #H2} or {@link #HTTP_1_1}) at the end of
     * {@code channel}'s pipeline and returns the connection they make up, completed once it can
     * carry exchanges (for HTTP/2: once the server's first SETTINGS arrived). Event loop of the
     * channel; the channel may or may not be active yet.
     */
    CompletableFuture<C> install(Channel channel, String protocol);
}
