package io.posthaste.internal.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.posthaste.WebSocket;
import io.posthaste.internal.Bridge;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The event-loop side of an open WebSocket, last in its pipeline (after Netty's frame decoder, the
 * {@code permessage-deflate} decoder and the UTF-8 validator, whose protocol errors it turns into
 * close 1002, 1007 or 1009; a frame with an RSV bit no extension took is 1002 too). It reassembles
 * fragmented messages up to the size limit (over it: close 1009), answers pings (only the latest
 * while the socket takes no more: a ping flood costs no memory), sends keep-alive pings, runs the
 * close handshake and its timeout, and, when the connection is gone, hands the inbox its last
 * message: the close, with the code the server sent, the one this side failed the connection with,
 * or 1006 when the connection ended without a close frame.
 */
final class FrameHandler extends ChannelDuplexHandler {

    /** The close code of a connection that ended without a close frame (RFC 6455 section 7.1.5). */
    static final int ABNORMAL = 1006;
    /** The close code of a close frame that had none (RFC 6455 section 7.1.5). */
    static final int NO_STATUS = 1005;

    private static final int PROTOCOL_ERROR = 1002;
    private static final int MESSAGE_TOO_BIG = 1009;
    private static final int MAX_COMPONENTS = 1024;

    private final WsConnection socket;
    private final int maxMessageSize;
    private ChannelHandlerContext ctx;
    private CompositeByteBuf partial;
    private boolean partialIsText;
    private ByteBuf pendingPong;
    private boolean flushNeeded;
    private boolean closeSent;
    private boolean failing;
    private int closeCode;
    private String closeReason;
    private ScheduledFuture<?> closeTimer;
    private ScheduledFuture<?> pinger;
    private boolean pinged;
    private boolean readSincePing;

    FrameHandler(WsConnection socket, int maxMessageSize) {
        this.socket = socket;
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        long interval = socket.settings().pingIntervalNanos();
        if (interval > 0) {
            pinger = context.executor().scheduleAtFixedRate(this::keepAlive, interval, interval, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            // The HTTP decoder's empty end of the 101 answer, read before it left the pipeline.
            ReferenceCountUtil.release(msg);
            return;
        }
        readSincePing = true;
        try {
            if (frame.rsv() != 0) {
                // permessage-deflate's decoder clears the RSV1 of what it inflates: any bit left
                // is one no negotiated extension defines (RFC 6455 section 5.2).
                fail(PROTOCOL_ERROR, "a frame with reserved bits set (RSV " + frame.rsv() + ")");
            } else if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                onData(frame, frame instanceof TextWebSocketFrame, true);
            } else if (frame instanceof ContinuationWebSocketFrame) {
                onData(frame, partialIsText, false);
            } else if (frame instanceof PingWebSocketFrame) {
                onPing(frame.content());
            } else if (frame instanceof CloseWebSocketFrame close) {
                onClose(close);
            }
            // A pong needs nothing more: reading it proved the peer alive.
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        if (flushNeeded) {
            flushNeeded = false;
            context.flush();
        }
        context.fireChannelReadComplete();
    }

    private void onData(WebSocketFrame frame, boolean text, boolean first) {
        if (failing) {
            return;
        }
        ByteBuf content = frame.content();
        long size = (first ? 0L : partial.readableBytes()) + content.readableBytes();
        if (size > maxMessageSize) {
            fail(MESSAGE_TOO_BIG, "message over " + maxMessageSize + " bytes");
            return;
        }
        if (first && frame.isFinalFragment()) {
            deliver(text, content);
            return;
        }
        if (first) {
            partial = ctx.alloc().compositeBuffer(MAX_COMPONENTS);
            partialIsText = text;
        }
        partial.addComponent(true, content.retain());
        if (frame.isFinalFragment()) {
            CompositeByteBuf whole = partial;
            partial = null;
            try {
                deliver(partialIsText, whole);
            } finally {
                whole.release();
            }
        }
    }

    private void deliver(boolean text, ByteBuf content) {
        WebSocket.Message message = text
                ? WebSocket.Message.text(content.toString(StandardCharsets.UTF_8))
                : Bridge.get().binaryMessage(ByteBufUtil.getBytes(content));
        if (socket.inbox().offer(message)) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void onPing(ByteBuf payload) {
        if (closeSent) {
            return;
        }
        if (ctx.channel().isWritable()) {
            ctx.write(new PongWebSocketFrame(payload.retain()));
            flushNeeded = true;
        } else {
            // RFC 6455 section 5.5.3 lets an endpoint answer only the latest of several pings.
            if (pendingPong != null) {
                pendingPong.release();
            }
            pendingPong = payload.retain();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (context.channel().isWritable() && pendingPong != null) {
            ByteBuf payload = pendingPong;
            pendingPong = null;
            if (closeSent) {
                payload.release();
            } else {
                context.writeAndFlush(new PongWebSocketFrame(payload));
            }
        }
        context.fireChannelWritabilityChanged();
    }

    private void onClose(CloseWebSocketFrame close) {
        int code = close.statusCode();
        record(code < 0 ? NO_STATUS : code, code < 0 ? "" : close.reasonText());
        if (closeSent) {
            ctx.close();
            return;
        }
        closeSent = true;
        // The answer repeats the server's code (RFC 6455 section 5.5.1); the server closes first,
        // but a client that waited for it would hang on a server that never does.
        CloseWebSocketFrame answer =
                code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, close.reasonText());
        ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }

    /** Starts the close handshake this side asked for. Event loop. */
    void startClose(int code, String reason) {
        if (closeSent || !ctx.channel().isActive()) {
            return;
        }
        sendClose(code, reason);
    }

    /**
     * Fails the connection (RFC 6455 section 7.1.7): a close frame with {@code code}, then, rather
     * than a close that would reset a connection with bytes still coming (and lose the frame),
     * the rest is read and dropped until the server answers or closes, within the close timeout.
     */
    private void fail(int code, String reason) {
        record(code, reason);
        failing = true;
        releasePartial();
        if (!closeSent) {
            sendClose(code, reason);
        }
        ctx.channel().config().setAutoRead(true);
    }

    private void sendClose(int code, String reason) {
        closeSent = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(code, reason));
        long timeout = socket.settings().closeTimeoutNanos();
        closeTimer = ctx.executor()
                .schedule(
                        () -> {
                            record(
                                    ABNORMAL,
                                    "the server did not answer the close within "
                                            + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms");
                            ctx.close();
                        },
                        timeout,
                        TimeUnit.NANOSECONDS);
    }

    private void keepAlive() {
        if (pinged && !readSincePing && ctx.channel().config().isAutoRead()) {
            long millis = TimeUnit.NANOSECONDS.toMillis(socket.settings().pingIntervalNanos());
            record(ABNORMAL, "the server answered no ping within " + millis + " ms");
            ctx.close();
            return;
        }
        pinged = true;
        readSincePing = false;
        if (!closeSent && ctx.channel().isWritable()) {
            ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER));
        }
    }

    @Override
    public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
        if (closeSent && !(msg instanceof CloseWebSocketFrame)) {
            // Nothing may follow a close frame (RFC 6455 section 5.5.1).
            ReferenceCountUtil.release(msg);
            promise.setFailure(new ClosedChannelException());
            return;
        }
        context.write(msg, promise);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            // The server's FIN: nothing more can come (the transport keeps half-closed sockets
            // open for HTTP/1.1's sake).
            record(ABNORMAL, "the server closed the connection without a close frame");
            context.close();
            return;
        }
        context.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupt) {
            // From the frame decoder (which then drops every byte) or the UTF-8 validator.
            fail(corrupt.closeStatus().code(), String.valueOf(corrupt.getMessage()));
            return;
        }
        if (cause instanceof DecompressionException || cause instanceof TooLongFrameException) {
            fail(MESSAGE_TOO_BIG, "message over " + maxMessageSize + " bytes once decompressed");
            return;
        }
        record(ABNORMAL, "the connection failed: " + cause);
        context.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        releasePartial();
        if (pendingPong != null) {
            pendingPong.release();
            pendingPong = null;
        }
        if (closeTimer != null) {
            closeTimer.cancel(false);
        }
        if (pinger != null) {
            pinger.cancel(false);
        }
        record(
                ABNORMAL,
                socket.isSessionClosing() ? "the session was closed" : "the connection closed without a close frame");
        socket.closed(WebSocket.Message.close(closeCode, closeReason));
        context.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        releasePartial();
    }

    /** Keeps the first reason the connection ended for: later ones are its consequences. */
    private void record(int code, String reason) {
        if (closeCode == 0) {
            closeCode = code;
            closeReason = reason;
        }
    }

    private void releasePartial() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }
}
