package io.posthaste.testing.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.posthaste.testing.WebSocketFault;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

/**
 * One WebSocket connection on a mounted endpoint: runs the script once the handshake is done, each
 * step once the one before is on the wire, echoes what the client sends when asked to, records
 * it, and answers the client's close. Runs on the connection's event loop.
 */
final class WsConnection extends ChannelInboundHandlerAdapter {

    /** How long the server waits for the client's close after sending its own. */
    private static final long CLOSE_WAIT_SECONDS = 5;

    private static final int FRAGMENT_BYTES = 64 * 1024;
    private static final int PINGS_PER_BATCH = 100;
    /** The most a control frame may carry (RFC 6455 section 5.5). */
    private static final int PING_PAYLOAD_BYTES = 125;

    private static final int FIN = 0x80;
    private static final int RSV1 = 0x40;
    private static final int RSV2 = 0x20;
    private static final int FIN_TEXT = FIN | 0x1;
    private static final byte[] MASK_KEY = {0x37, (byte) 0xfa, 0x21, 0x3d};

    private final WsScript script;
    private final Deque<WsStep> steps;
    private ChannelHandlerContext ctx;
    private boolean closeSent;

    WsConnection(WsScript script) {
        this.script = script;
        this.steps = new ArrayDeque<>(script.steps());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            next();
        }
        context.fireUserEventTriggered(event);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            context.fireChannelRead(msg);
            return;
        }
        try {
            if (frame instanceof CloseWebSocketFrame close) {
                onClose(close);
            } else if (frame instanceof PongWebSocketFrame) {
                script.record().pongs.incrementAndGet();
            } else if (frame instanceof TextWebSocketFrame text) {
                script.record().messages.add(text.text());
                echo(new TextWebSocketFrame(text.content().retain()));
            } else if (frame instanceof BinaryWebSocketFrame binary) {
                script.record().messages.add("binary:" + binary.content().readableBytes());
                echo(new BinaryWebSocketFrame(binary.content().retain()));
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        // A client that breaks the protocol or goes away is a normal event for a test server.
        context.close();
    }

    private void echo(WebSocketFrame frame) {
        if (script.echo() && !closeSent) {
            ctx.writeAndFlush(frame);
        } else {
            frame.release();
        }
    }

    private void onClose(CloseWebSocketFrame close) {
        script.record().closeCodes.add(close.statusCode() < 0 ? 1005 : close.statusCode());
        if (script.ignoreClose()) {
            return;
        }
        if (closeSent) {
            ctx.close();
            return;
        }
        closeSent = true;
        CloseWebSocketFrame reply = close.statusCode() < 0
                ? new CloseWebSocketFrame()
                : new CloseWebSocketFrame(close.statusCode(), close.reasonText());
        ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }

    /** Runs the next step once the one before is on the wire. */
    private void next() {
        WsStep step = steps.poll();
        if (step == null || !ctx.channel().isActive() || closeSent) {
            return;
        }
        if (step instanceof WsStep.Pause pause) {
            ctx.executor().schedule(this::next, pause.nanos(), TimeUnit.NANOSECONDS);
        } else if (step instanceof WsStep.Text text) {
            String[] parts = text.parts();
            for (int i = 0; i < parts.length; i++) {
                ByteBuf bytes = Unpooled.copiedBuffer(parts[i], StandardCharsets.UTF_8);
                boolean last = i == parts.length - 1;
                WebSocketFrame frame = i == 0
                        ? new TextWebSocketFrame(last, 0, bytes)
                        : new ContinuationWebSocketFrame(last, 0, bytes);
                after(last ? ctx.writeAndFlush(frame) : ctx.write(frame));
            }
        } else if (step instanceof WsStep.Binary binary) {
            after(ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(binary.bytes()))));
        } else if (step instanceof WsStep.Ping ping) {
            after(ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(ping.payload()))));
        } else if (step instanceof WsStep.Close close) {
            closeSent = true;
            ctx.writeAndFlush(new CloseWebSocketFrame(close.code(), close.reason()));
            ctx.executor().schedule(() -> ctx.close(), CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } else if (step instanceof WsStep.Fault fault) {
            fault(fault.fault());
        }
    }

    private void after(ChannelFuture written) {
        written.addListener(f -> {
            if (f.isSuccess()) {
                next();
            }
        });
    }

    private void fault(WebSocketFault fault) {
        switch (fault) {
            case ABRUPT_CLOSE -> ctx.close();
            case INVALID_UTF8 ->
                after(ctx.writeAndFlush(
                        new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 0xC3, 0x28}))));
            case OVERSIZED_MESSAGE -> oversized(0);
            case PING_FLOOD -> pings(0);
            case STOP_READING -> {
                ctx.channel().config().setAutoRead(false);
                next();
            }
            case MASKED_FRAME -> after(writeRaw(FIN_TEXT, MASK_KEY, ascii("masked")));
            case RESERVED_OPCODE -> after(writeRaw(FIN | 0x3, null, new byte[0]));
            case RESERVED_CONTROL_OPCODE -> after(writeRaw(FIN | 0xB, null, new byte[0]));
            case RESERVED_BITS -> after(writeRaw(FIN_TEXT | RSV2, null, ascii("reserved")));
            case DEFLATED_TEXT -> after(writeRaw(FIN_TEXT | RSV1, null, deflated("deflated")));
            default -> throw new AssertionError(fault);
        }
    }

    /**
     * Writes one frame of fewer than 126 payload bytes exactly as given, past the frame encoder
     * (which passes bytes through) and the extensions: first byte {@code finOpcode} (FIN, RSV bits
     * and opcode), masked with {@code maskKey} unless it is null.
     */
    private ChannelFuture writeRaw(int finOpcode, byte[] maskKey, byte[] payload) {
        ByteBuf frame = ctx.alloc().buffer(6 + payload.length);
        frame.writeByte(finOpcode);
        frame.writeByte((maskKey != null ? 0x80 : 0) | payload.length);
        if (maskKey != null) {
            frame.writeBytes(maskKey);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.writeByte(maskKey != null ? payload[i] ^ maskKey[i % 4] : payload[i]);
        }
        return ctx.writeAndFlush(frame);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * {@code text} as permessage-deflate compresses a message: raw DEFLATE ending in a sync flush,
     * whose last four bytes ({@code 00 00 ff ff}) are left off (RFC 7692 section 7.2.1).
     */
    private static byte[] deflated(String text) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[64];
            int length = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            return Arrays.copyOf(out, length - 4);
        } finally {
            deflater.end();
        }
    }

    /** Writes the oversized message from byte {@code sent} on, a fragment at a time. */
    private void oversized(int sent) {
        if (!ctx.channel().isActive()) {
            return;
        }
        int total = WebSocketFault.OVERSIZED_MESSAGE_BYTES;
        boolean last = sent + FRAGMENT_BYTES >= total;
        ByteBuf zeros = Unpooled.wrappedBuffer(new byte[Math.min(FRAGMENT_BYTES, total - sent)]);
        WebSocketFrame frame =
                sent == 0 ? new BinaryWebSocketFrame(last, 0, zeros) : new ContinuationWebSocketFrame(last, 0, zeros);
        ctx.writeAndFlush(frame).addListener(f -> {
            if (f.isSuccess() && last) {
                next();
            } else if (f.isSuccess()) {
                oversized(sent + FRAGMENT_BYTES);
            }
        });
    }

    /** Writes the ping flood from ping {@code sent} on, a batch at a time. */
    private void pings(int sent) {
        if (!ctx.channel().isActive()) {
            return;
        }
        int batch = Math.min(PINGS_PER_BATCH, WebSocketFault.PING_FLOOD_FRAMES - sent);
        ChannelFuture last = null;
        for (int i = 0; i < batch; i++) {
            byte[] payload = new byte[PING_PAYLOAD_BYTES];
            payload[0] = (byte) i;
            last = ctx.write(new PingWebSocketFrame(Unpooled.wrappedBuffer(payload)));
        }
        ctx.flush();
        int done = sent + batch;
        last.addListener(f -> {
            if (f.isSuccess() && done < WebSocketFault.PING_FLOOD_FRAMES) {
                pings(done);
            } else if (f.isSuccess()) {
                next();
            }
        });
    }
}
