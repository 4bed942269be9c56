package io.posthaste.internal.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.posthaste.ClientTimeoutException;
import io.posthaste.Headers;
import io.posthaste.internal.Bridge;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends the opening handshake and reads the answer, on the connection's event loop. A valid
 * {@code 101} opens the WebSocket: Netty's handshaker checks it and swaps the HTTP codec for the
 * frame codec, and this handler gives its place to the UTF-8 validator and the
 * {@link FrameHandler}. Any other answer is read (its body up to 64 KiB) and refused with a
 * {@link HandshakeRefused}; no answer within the read timeout fails with a
 * {@link ClientTimeoutException}.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {

    /** The most of a refusal's body kept, as for every error answer. */
    private static final int MAX_BODY = 64 * 1024;

    private final Handshake handshake;
    private final WsConnection socket;
    private final String name;
    private final Duration readTimeout;
    private final CompletableFuture<WsConnection> opened = new CompletableFuture<>();
    private ChannelHandlerContext ctx;
    private HttpResponse refusal;
    private ByteBuf refusalBody;
    private ScheduledFuture<?> timer;

    HandshakeHandler(Handshake handshake, WsConnection socket, String name, Duration readTimeout) {
        this.handshake = handshake;
        this.socket = socket;
        this.name = name;
        this.readTimeout = readTimeout;
    }

    /** Completed with the open WebSocket, or with the handshake's failure. Event loop. */
    CompletableFuture<WsConnection> opened() {
        return opened;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    /** Sends the handshake request and starts waiting for the answer. Event loop, channel active. */
    void start() {
        handshake.handshake(ctx.channel()).addListener(f -> {
            if (!f.isSuccess()) {
                fail(f.cause());
            }
        });
        timer = ctx.executor()
                .schedule(
                        () -> fail(new ClientTimeoutException(
                                name + ": no answer to the opening handshake within " + readTimeout.toMillis()
                                        + " ms (READ timeout)",
                                ClientTimeoutException.Phase.READ,
                                readTimeout)),
                        readTimeout.toNanos(),
                        TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        try {
            if (msg instanceof HttpResponse head) {
                if (head.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                    open(head);
                    return;
                }
                refusal = head;
                refusalBody = context.alloc().buffer();
            }
            if (msg instanceof HttpContent content && refusalBody != null) {
                ByteBuf bytes = content.content();
                refusalBody.writeBytes(
                        bytes,
                        bytes.readerIndex(),
                        Math.min(bytes.readableBytes(), MAX_BODY - refusalBody.readableBytes()));
                if (content instanceof LastHttpContent) {
                    refuse(describe(refusal));
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void open(HttpResponse head) {
        // Netty checks the subprotocol against its own list; ours is checked here (see Handshake).
        HttpHeaders checked = new DefaultHttpHeaders().set(head.headers());
        checked.remove(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        FullHttpResponse full = new DefaultFullHttpResponse(
                head.protocolVersion(), head.status(), Unpooled.EMPTY_BUFFER, checked, new DefaultHttpHeaders());
        String subprotocol;
        try {
            subprotocol = handshake.chosenSubprotocol(head.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
            handshake.finishHandshake(ctx.channel(), full);
        } catch (WebSocketHandshakeException | IllegalArgumentException e) {
            refusal = head;
            refuse(name + ": the server's 101 answer does not open a WebSocket: " + explain(e));
            return;
        }
        FrameHandler frames = socket.opened(subprotocol, handshake.deflate(), headers(head));
        ctx.pipeline().addBefore(ctx.name(), "ws-utf8", new Utf8FrameValidator(false));
        ctx.pipeline().replace(this, "ws-frames", frames);
        cancelTimer();
        opened.complete(socket);
    }

    /** Netty's words for a broken 101, in ours. */
    private static String explain(Exception e) {
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("Invalid challenge")) {
            return "its Sec-WebSocket-Accept does not match the key sent (" + message + ")";
        }
        if (message.startsWith("Invalid handshake response upgrade")) {
            return "it does not upgrade to websocket (" + message + ")";
        }
        if (message.startsWith("Invalid handshake response connection")) {
            return "its Connection header lacks 'Upgrade' (" + message + ")";
        }
        return message;
    }

    private String describe(HttpResponse head) {
        return head.status().code() + ", message='" + head.status().reasonPhrase() + "', method='GET', url='"
                + name.substring(name.indexOf(' ') + 1) + "': the server did not open a WebSocket (expected 101)";
    }

    private void refuse(String message) {
        HttpResponse head = refusal;
        byte[] body = refusalBody == null ? new byte[0] : ByteBufUtil.getBytes(refusalBody);
        fail(new HandshakeRefused(message, head.status().code(), head.status().reasonPhrase(), headers(head), body));
        ctx.close();
    }

    private static Headers headers(HttpResponse head) {
        String[] namesAndValues = new String[head.headers().size() * 2];
        int i = 0;
        for (Map.Entry<String, String> field : head.headers()) {
            namesAndValues[i++] = field.getKey();
            namesAndValues[i++] = field.getValue();
        }
        return Bridge.get().trustedHeaders(namesAndValues);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            context.close();
            return;
        }
        context.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        fail(cause);
        context.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        if (refusal != null && !opened.isDone()) {
            // A refusal whose body ended with the connection.
            refuse(describe(refusal));
        }
        fail(new IOException("the server closed the connection before answering the opening handshake"));
        context.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        cancelTimer();
        if (refusalBody != null) {
            refusalBody.release();
            refusalBody = null;
        }
    }

    private void fail(Throwable failure) {
        cancelTimer();
        if (opened.completeExceptionally(failure)) {
            ctx.close();
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
