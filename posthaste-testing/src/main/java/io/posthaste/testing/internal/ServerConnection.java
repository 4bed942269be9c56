package io.posthaste.testing.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.posthaste.testing.Fault;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One accepted connection: feeds bytes to the {@link RequestParser}, records each request and
 * writes its answer, one exchange at a time (pipelined requests wait their turn, as HTTP/1.1
 * requires). While an answer is produced, what the client sends next is read ahead but not
 * parsed, up to {@value #READ_AHEAD_BYTES} bytes: a client that closes is seen at once, as real
 * servers see it (a delayed answer must not keep a dropped connection open), while a client that
 * sends more stalls rather than growing the server's memory. Runs entirely on the channel's event
 * loop.
 */
public final class ServerConnection extends ChannelInboundHandlerAdapter implements RequestParser.Listener {

    private enum Mode {
        READING,
        RESPONDING,
        STALLED,
        DISCARDING,
        CLOSED
    }

    /** What may be read ahead while an answer is produced; past it, reading pauses. */
    static final int READ_AHEAD_BYTES = 64 * 1024;

    private final RequestHandler handler;
    private final int connectionId;
    private final long maxRecordedBodyBytes;
    private final RequestParser parser = new RequestParser();
    private ChannelHandlerContext ctx;
    private ByteBuf cumulation;
    private Mode mode = Mode.READING;
    private int sequence = -1;
    private RequestHead head;
    private BodyRecorder recorder;
    private SinkMeter sink;
    /** Whether the current head was answered early; it is then recorded when the connection closes. */
    private boolean answeredEarly;
    /** Bytes that arrived after an early-answered head: read and dropped, only counted. */
    private long bytesAfterEarlyAnswer;

    public ServerConnection(RequestHandler handler, int connectionId, long maxRecordedBodyBytes) {
        this.handler = handler;
        this.connectionId = connectionId;
        this.maxRecordedBodyBytes = maxRecordedBodyBytes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (handler.disconnectOnAccept()) {
            mode = Mode.CLOSED;
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (mode == Mode.DISCARDING) {
            bytesAfterEarlyAnswer += in.readableBytes();
        }
        if (mode == Mode.STALLED || mode == Mode.DISCARDING || mode == Mode.CLOSED) {
            in.release();
            return;
        }
        if (cumulation == null) {
            cumulation = in;
        } else {
            ByteBuf merged = ctx.alloc().buffer(cumulation.readableBytes() + in.readableBytes());
            merged.writeBytes(cumulation).writeBytes(in);
            cumulation.release();
            in.release();
            cumulation = merged;
        }
        if (mode == Mode.RESPONDING) {
            pauseIfReadAheadIsFull();
            return; // parsed once the answer is out (resume)
        }
        process();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        mode = Mode.CLOSED;
        releaseCumulation();
        if (answeredEarly) {
            // Only now is it known how much of its body the client sent despite the early answer.
            answeredEarly = false;
            handler.record(headOnly(bytesAfterEarlyAnswer));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A peer that resets or botches a TLS handshake is a normal event for a test server.
        mode = Mode.CLOSED;
        ctx.close();
    }

    private void process() {
        try {
            while (mode == Mode.READING && cumulation != null && cumulation.isReadable()) {
                if (parser.parse(cumulation, this) == RequestParser.Progress.NEED_MORE) {
                    break;
                }
            }
        } catch (RequestParser.BadRequest e) {
            badRequest(e);
        } finally {
            if (cumulation != null && mode == Mode.DISCARDING) {
                bytesAfterEarlyAnswer += cumulation.readableBytes();
            }
            if (cumulation != null
                    && (!cumulation.isReadable()
                            || mode == Mode.CLOSED
                            || mode == Mode.DISCARDING
                            || mode == Mode.STALLED)) {
                releaseCumulation();
            } else if (cumulation != null) {
                cumulation.discardSomeReadBytes();
            }
        }
    }

    private void badRequest(RequestParser.BadRequest e) {
        mode = Mode.CLOSED;
        byte[] body = (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
        ResponseSpec spec = Specs.simple(e.status(), "text/plain; charset=utf-8", body);
        ResponseWriter.write(ctx.channel(), spec, null, false, open -> {});
    }

    @Override
    public boolean onHead(RequestHead requestHead) {
        sequence++;
        head = requestHead;
        RequestHandler.HeadAction action = handler.onHead(requestHead, sequence > 0);
        switch (action.kind()) {
            case EARLY -> {
                ResponseSpec early = action.response();
                if (early.fault() == Fault.DISCONNECT_AT_START) {
                    mode = Mode.CLOSED;
                    ctx.close();
                } else if (early.fault() == Fault.DISCONNECT_AFTER_REQUEST_HEAD) {
                    handler.record(headOnly(0));
                    mode = Mode.CLOSED;
                    ctx.close();
                } else {
                    answeredEarly = true;
                    mode = Mode.DISCARDING;
                    ResponseWriter.write(ctx.channel(), early, requestHead, true, open -> {});
                }
                return false;
            }
            case UPGRADE -> {
                // A WebSocket takes the connection over; this handler steps aside.
                handler.record(headOnly(0));
                mode = Mode.CLOSED;
                action.upgrade().install(ctx, requestHead);
                return false;
            }
            case SINK -> sink = new SinkMeter(requestHead);
            case READ_BODY -> recorder = new BodyRecorder(maxRecordedBodyBytes);
            default -> throw new AssertionError(action);
        }
        if (requestHead.expectsContinue()) {
            ctx.writeAndFlush(
                    Unpooled.wrappedBuffer("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        }
        return true;
    }

    @Override
    public void onChunk(long size) {
        if (sink != null) {
            sink.chunk();
        } else {
            recorder.chunk(size);
        }
    }

    @Override
    public void onBody(ByteBuf data) {
        if (sink != null) {
            sink.add(data);
        } else {
            recorder.add(data);
        }
    }

    @Override
    public void onEnd(List<Map.Entry<String, String>> trailers) {
        ReceivedRequest request;
        if (sink != null) {
            SinkResult result = sink.finish();
            request = new ReceivedRequest(
                    head,
                    new byte[0],
                    result.bytes(),
                    result.chunked(),
                    List.of(),
                    trailers,
                    connectionId,
                    sequence,
                    tls(),
                    remoteIp(),
                    result,
                    0);
        } else {
            request = new ReceivedRequest(
                    head,
                    recorder.bytes(),
                    recorder.size(),
                    recorder.chunked(),
                    recorder.chunkSizes(),
                    trailers,
                    connectionId,
                    sequence,
                    tls(),
                    remoteIp(),
                    null,
                    0);
        }
        sink = null;
        recorder = null;
        mode = Mode.RESPONDING;
        pauseIfReadAheadIsFull();
        handler.record(request);
        RequestHead answered = head;
        handler.respond(request, spec -> {
            if (ctx.executor().inEventLoop()) {
                answer(spec, answered);
            } else {
                ctx.executor().execute(() -> answer(spec, answered));
            }
        });
    }

    private void answer(ResponseSpec spec, RequestHead answered) {
        if (mode == Mode.CLOSED) {
            return;
        }
        if (spec.fault() == Fault.STALL) {
            mode = Mode.STALLED;
            releaseCumulation();
            ctx.channel().config().setAutoRead(true);
            return;
        }
        ResponseWriter.write(ctx.channel(), spec, answered, false, open -> {
            if (open) {
                // Resume on a fresh task: the write may complete inside the parser's own call stack.
                ctx.executor().execute(this::resume);
            } else {
                mode = Mode.CLOSED;
            }
        });
    }

    /** While answering: stops reading once {@value #READ_AHEAD_BYTES} wait unparsed. */
    private void pauseIfReadAheadIsFull() {
        if (cumulation != null && cumulation.readableBytes() >= READ_AHEAD_BYTES) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void resume() {
        if (mode != Mode.RESPONDING) {
            return;
        }
        mode = Mode.READING;
        parser.reset();
        ctx.channel().config().setAutoRead(true);
        process();
    }

    /** The head alone; {@code bytesAfterHead} counts what arrived after it (raw, framing included). */
    private ReceivedRequest headOnly(long bytesAfterHead) {
        return new ReceivedRequest(
                head,
                new byte[0],
                bytesAfterHead,
                false,
                List.of(),
                List.of(),
                connectionId,
                sequence,
                tls(),
                remoteIp(),
                null,
                0);
    }

    /** Whether this connection speaks TLS (on a port serving both, the first bytes decided). */
    private boolean tls() {
        return ctx.pipeline().get(SslHandler.class) != null;
    }

    private String remoteIp() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress()
                : "127.0.0.1";
    }

    private void releaseCumulation() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }
}
