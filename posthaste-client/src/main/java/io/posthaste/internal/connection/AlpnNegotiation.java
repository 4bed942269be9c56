package io.posthaste.internal.connection;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Installs the protocol the server picked by ALPN once the TLS handshake is over. Inbound bytes
 * that come with the handshake's end (the server's SETTINGS) wait for it. A server that picked
 * none gets HTTP/1.1 if it was offered; otherwise the connection fails, naming that. Every
 * failure before a protocol is installed completes the installation future (Netty would only
 * log it). Event loop of the channel.
 *
 * @param <C> the connection type
 */
final class AlpnNegotiation<C extends Connection> extends ApplicationProtocolNegotiationHandler {

    private final List<String> offered;
    private final ProtocolInstaller<C> protocol;
    private final CompletableFuture<C> installed;
    private final SslHandler tls;

    /**
     * Installs with {@code protocol} the one of {@code offered} (ALPN names) the server picks in
     * the handshake of {@code tls}, completing {@code installed}.
     */
    AlpnNegotiation(
            List<String> offered, ProtocolInstaller<C> protocol, CompletableFuture<C> installed, SslHandler tls) {
        super("");
        this.offered = offered;
        this.protocol = protocol;
        this.installed = installed;
        this.tls = tls;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String picked) {
        String name = picked.isEmpty() ? ProtocolInstaller.HTTP_1_1 : picked;
        if (!offered.contains(name)) {
            installed.completeExceptionally(new IOException(
                    picked.isEmpty()
                            ? "the server did not agree to HTTP/2 (no ALPN protocol), and the session speaks "
                                    + "HTTP/2 only"
                            : "the server picked ALPN protocol '" + picked + "', which was not offered"));
            ctx.close();
            return;
        }
        install(protocol, ctx.channel(), name, installed);
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        // The handshake future's listener reports it; Netty's default would log it too.
        installed.completeExceptionally(cause);
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
            // Netty's handler asks the pipeline's first SslHandler; through an HTTPS proxy that
            // one speaks to the proxy, and the answer that counts is the origin's handler's.
            String picked = tls.applicationProtocol();
            try {
                configurePipeline(ctx, picked == null ? "" : picked);
            } catch (Throwable failure) {
                exceptionCaught(ctx, failure);
            } finally {
                if (ctx.pipeline().context(this) != null) {
                    ctx.pipeline().remove(this);
                }
            }
            ctx.fireUserEventTriggered(event);
            return;
        }
        if (event instanceof ChannelInputShutdownEvent) {
            // The transport allows half-closure for HTTP/1.1's sake; before a protocol is
            // chosen, the server's FIN ends the connection (and fails the handshake at once).
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Before a protocol is installed nothing else would hear it (Netty would only log it).
        installed.completeExceptionally(cause);
        ctx.close();
    }

    /** Installs {@code protocol}'s handlers on {@code ch}, completing {@code installed} when ready. */
    static <C extends Connection> void install(
            ProtocolInstaller<C> protocol, Channel ch, String name, CompletableFuture<C> installed) {
        try {
            protocol.install(ch, name).whenComplete((c, failure) -> {
                if (failure != null) {
                    installed.completeExceptionally(failure);
                } else {
                    installed.complete(c);
                }
            });
        } catch (RuntimeException e) {
            installed.completeExceptionally(e);
        }
    }
}
