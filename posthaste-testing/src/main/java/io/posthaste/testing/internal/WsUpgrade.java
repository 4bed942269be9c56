package io.posthaste.testing.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import java.util.Map;

/**
 * Turns an HTTP/1.1 connection whose request asks for a WebSocket on a mounted path into a
 * WebSocket connection, with Netty's own server handlers doing the handshake (and
 * {@code permessage-deflate}), then {@link WsConnection} running the script. Event loop only.
 */
public final class WsUpgrade {

    private final WsScript script;

    public WsUpgrade(WsScript script) {
        this.script = script;
    }

    /**
     * Replaces the handler in {@code ctx} (which has read {@code head}, a request without a body)
     * with the WebSocket pipeline, then hands it the request.
     */
    public void install(ChannelHandlerContext ctx, RequestHead head) {
        String offered = head.header("Sec-WebSocket-Extensions");
        script.record().offeredExtensions.add(offered == null ? "" : offered);
        ChannelPipeline p = ctx.pipeline();
        HttpServerCodec codec = new HttpServerCodec();
        p.addBefore(ctx.name(), null, codec);
        p.addBefore(ctx.name(), null, new HttpObjectAggregator(8192));
        if (script.compression()) {
            p.addBefore(ctx.name(), null, new WebSocketServerCompressionHandler(script.maxMessageBytes()));
        }
        p.addBefore(
                ctx.name(),
                null,
                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                        .websocketPath(script.path())
                        .checkStartsWith(true)
                        .subprotocols(script.subprotocols())
                        // The script answers (or, for NO_CLOSE_REPLY, ignores) the client's close itself.
                        .handleCloseFrames(false)
                        .dropPongFrames(false)
                        // Closing the channel must not send a close frame of its own: ABRUPT_CLOSE sends none.
                        .sendCloseFrame(null)
                        .decoderConfig(WebSocketDecoderConfig.newBuilder()
                                .maxFramePayloadLength(script.maxMessageBytes())
                                .allowExtensions(script.compression())
                                .build())
                        .build()));
        p.addBefore(ctx.name(), null, new WebSocketFrameAggregator(script.maxMessageBytes()));
        p.replace(ctx.name(), null, new WsConnection(script));
        FullHttpRequest request =
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(head.method()), head.target());
        for (Map.Entry<String, String> h : head.headers()) {
            request.headers().add(h.getKey(), h.getValue());
        }
        p.context(codec).fireChannelRead(request);
    }
}
