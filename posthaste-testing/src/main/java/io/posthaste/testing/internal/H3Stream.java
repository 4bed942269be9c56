package io.posthaste.testing.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.http3.Http3Exception;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicException;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.util.ReferenceCountUtil;
import io.posthaste.testing.Fault;
import java.net.InetSocketAddress;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP/3 request stream: turns its HEADERS, DATA and trailing HEADERS frames into a recorded
 * request, routed exactly as on HTTP/1.1 and HTTP/2 (early faults at the head, {@code /sink}
 * measured as it streams, the answer from the queue, a dispatcher or the echo routes), and hands
 * the answer to {@link H3Answer}. Frames, QPACK and flow control are Netty's and QUIC's; the body
 * is consumed as it arrives, so QUIC returns flow-control credit at once. Runs on the stream's
 * event loop.
 */
final class H3Stream extends Http3RequestStreamInboundHandler {

    /** The protocol name recorded for requests on HTTP/3, as {@code Response.version()} says it. */
    static final String VERSION = "HTTP/3";

    private final RequestHandler handler;
    private final H3Connection connection;
    private final long maxRecordedBodyBytes;
    private QuicStreamChannel stream;
    private int sequence = -1;
    private RequestHead head;
    private BodyRecorder recorder;
    private SinkMeter sink;
    private List<Map.Entry<String, String>> trailers = List.of();
    /** Whether the request was finished (or given up) and its body is no longer wanted. */
    private boolean read;

    private boolean done;

    H3Stream(RequestHandler handler, H3Connection connection, long maxRecordedBodyBytes) {
        this.handler = handler;
        this.connection = connection;
        this.maxRecordedBodyBytes = maxRecordedBodyBytes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        stream = (QuicStreamChannel) ctx.channel();
        sequence = connection.admit(stream);
        if (sequence < 0) {
            done = true;
            read = true;
            return;
        }
        stream.closeFuture().addListener(f -> done());
    }

    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
        try {
            if (read) {
                return;
            }
            if (head == null) {
                opened(frame.headers());
            } else {
                trailers = fields(frame.headers(), null);
            }
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
        try {
            if (read || head == null || !frame.content().isReadable()) {
                return;
            }
            if (sink != null) {
                sink.add(frame.content());
            } else {
                recorder.chunk(frame.content().readableBytes());
                recorder.add(frame.content());
            }
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    @Override
    protected void channelInputClosed(ChannelHandlerContext ctx) {
        if (!read && head != null) {
            finish();
        }
    }

    @Override
    protected void handleQuicException(ChannelHandlerContext ctx, QuicException exception) {
        if (exception instanceof QuicStreamResetException reset) {
            // The client gave up on the request before sending all of it: nothing to record, as on
            // HTTP/1.1, but the reset itself, for tests that check a cancel reached the server.
            handler.recordReset(connection.id(), (int) stream.streamId(), reset.applicationProtocolCode());
        }
        read = true;
        ctx.close();
    }

    @Override
    protected void handleHttp3Exception(ChannelHandlerContext ctx, Http3Exception exception) {
        // A malformed request: the codec's error code tells the client what was wrong with it.
        read = true;
        Http3ErrorCode code = exception.errorCode();
        stream.shutdown(code != null ? code.code() : Http3ErrorCode.H3_MESSAGE_ERROR.code())
                .addListener(f -> ctx.close());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof QuicException || cause instanceof Http3Exception) {
            super.exceptionCaught(ctx, cause);
        } else {
            // Anything else is a normal event for a test server: drop the stream.
            read = true;
            ctx.close();
        }
    }

    private void opened(Http3Headers headers) {
        head = new RequestHead(
                Objects.toString(headers.method(), ""),
                Objects.toString(headers.path(), ""),
                VERSION,
                fields(headers, headers.authority()));
        RequestHandler.HeadAction action = handler.onHead(head, sequence > 0);
        switch (action.kind()) {
            case EARLY -> early(action.response());
            case SINK -> sink = new SinkMeter(head);
            case READ_BODY -> recorder = new BodyRecorder(maxRecordedBodyBytes);
            case UPGRADE -> throw new AssertionError("an HTTP/3 stream cannot become a WebSocket: " + head);
        }
        if (!read && "100-continue".equalsIgnoreCase(head.header("Expect"))) {
            H3Answer.writeContinue(stream);
        }
    }

    /** Acts on a fault that the scripted answer wants applied before the body is read. */
    private void early(ResponseSpec spec) {
        read = true;
        if (spec.fault() == Fault.DISCONNECT_AT_START) {
            connection.close(Http3ErrorCode.H3_NO_ERROR);
            return;
        }
        handler.record(new ReceivedRequest(
                head,
                new byte[0],
                0,
                false,
                List.of(),
                List.of(),
                connection.id(),
                sequence,
                true,
                remoteIp(),
                null,
                (int) stream.streamId()));
        if (spec.fault() == Fault.DISCONNECT_AFTER_REQUEST_HEAD) {
            connection.close(Http3ErrorCode.H3_NO_ERROR);
            return;
        }
        // RESPOND_BEFORE_BODY(_THEN_RESET): answer now; then, as RFC 9114 section 4.1 has it, ask the
        // client to stop sending with STOP_SENDING(H3_NO_ERROR), or abort the connection.
        H3Answer.write(connection, stream, spec, head, () -> {
            if (spec.fault() == Fault.RESPOND_BEFORE_BODY_THEN_RESET) {
                connection.closeSoon(Http3ErrorCode.H3_INTERNAL_ERROR);
            } else if (stream.isActive() && !stream.isInputShutdown()) {
                stream.shutdownInput(Http3ErrorCode.H3_NO_ERROR.code());
            }
        });
    }

    private void finish() {
        read = true;
        ReceivedRequest received;
        int streamId = (int) stream.streamId();
        if (sink != null) {
            SinkResult result = sink.finish();
            received = new ReceivedRequest(
                    head,
                    new byte[0],
                    result.bytes(),
                    false,
                    List.of(),
                    trailers,
                    connection.id(),
                    sequence,
                    true,
                    remoteIp(),
                    result,
                    streamId);
        } else {
            received = new ReceivedRequest(
                    head,
                    recorder.bytes(),
                    recorder.size(),
                    false,
                    recorder.chunkSizes(),
                    trailers,
                    connection.id(),
                    sequence,
                    true,
                    remoteIp(),
                    null,
                    streamId);
        }
        handler.record(received);
        handler.respond(received, spec -> {
            if (stream.eventLoop().inEventLoop()) {
                H3Answer.write(connection, stream, spec, head, () -> {});
            } else {
                stream.eventLoop().execute(() -> H3Answer.write(connection, stream, spec, head, () -> {}));
            }
        });
    }

    private void done() {
        if (!done) {
            done = true;
            connection.streamDone();
        }
    }

    /**
     * The regular fields in arrival order; with {@code authority} given and no {@code host} field,
     * {@code Host} comes first, as RFC 9114 section 4.3.1 has an HTTP/1.1 intermediary write it.
     */
    private static List<Map.Entry<String, String>> fields(Http3Headers headers, CharSequence authority) {
        List<Map.Entry<String, String>> fields = new ArrayList<>(headers.size() + 1);
        if (authority != null && !headers.contains("host")) {
            fields.add(new SimpleImmutableEntry<>("Host", authority.toString()));
        }
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            String name = field.getKey().toString();
            if (!name.startsWith(":")) {
                fields.add(new SimpleImmutableEntry<>(
                        name, field.getValue().toString().trim()));
            }
        }
        return fields;
    }

    private String remoteIp() {
        return connection.channel().remoteSocketAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress()
                : "127.0.0.1";
    }
}
