package io.posthaste.testing.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.SslHandler;
import io.posthaste.testing.Fault;
import io.posthaste.testing.Http2Options;
import java.net.InetSocketAddress;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The requests of one HTTP/2 connection: turns each stream's HEADERS, DATA and trailing HEADERS
 * into a recorded request, routed exactly as on HTTP/1.1 (early faults at the head, {@code /sink}
 * measured as it streams, the answer from the queue, a dispatcher or the echo routes), and hands
 * the answer to {@link H2Answer}. Streams are independent: one that stalls holds up no other.
 * Request bodies are consumed as they arrive, so flow-control windows are returned at once. Runs on
 * the connection's event loop.
 */
final class H2Streams extends Http2FrameAdapter {

    /** The protocol name recorded for requests on HTTP/2, as {@code Response.version()} says it. */
    static final String VERSION = "HTTP/2";

    private final RequestHandler handler;
    private final int connectionId;
    private final long maxRecordedBodyBytes;
    private final Http2Options options;
    private final Map<Integer, Incoming> incoming = new HashMap<>();
    private H2Connection connection;
    private int streamsOpened;

    /** One request whose body is still arriving. */
    private static final class Incoming {
        final RequestHead head;
        final int sequence;
        final BodyRecorder recorder;
        final SinkMeter sink;
        List<Map.Entry<String, String>> trailers = List.of();

        Incoming(RequestHead head, int sequence, BodyRecorder recorder, SinkMeter sink) {
            this.head = head;
            this.sequence = sequence;
            this.recorder = recorder;
            this.sink = sink;
        }
    }

    H2Streams(RequestHandler handler, int connectionId, long maxRecordedBodyBytes, Http2Options options) {
        this.handler = handler;
        this.connectionId = connectionId;
        this.maxRecordedBodyBytes = maxRecordedBodyBytes;
        this.options = options;
    }

    void attach(H2Connection owner) {
        this.connection = owner;
    }

    @Override
    public void onHeadersRead(
            ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endOfStream) {
        Incoming request = incoming.get(streamId);
        if (request != null) {
            // The codec lets trailing HEADERS through only with END_STREAM.
            request.trailers = fields(headers, null);
            finish(streamId, request);
        } else {
            opened(streamId, headers, endOfStream);
        }
    }

    @Override
    public void onHeadersRead(
            ChannelHandlerContext ctx,
            int streamId,
            Http2Headers headers,
            int streamDependency,
            short weight,
            boolean exclusive,
            int padding,
            boolean endOfStream) {
        onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
        Incoming request = incoming.get(streamId);
        if (request != null && data.isReadable()) {
            if (request.sink != null) {
                request.sink.add(data);
            } else {
                request.recorder.chunk(data.readableBytes());
                request.recorder.add(data);
            }
        }
        if (request != null && endOfStream) {
            finish(streamId, request);
        }
        // Consumed at once, whatever became of it: the codec returns the window to the client.
        return data.readableBytes() + padding;
    }

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
        // The codec has just applied the client's SETTINGS, its header list size among them.
        connection.sendHeaderListsOfAnySize();
    }

    @Override
    public void onSettingsAckRead(ChannelHandlerContext ctx) {
        // The codec has just applied the server's SETTINGS, the initial window among them.
        connection.returnShrunkWindows();
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
        // The client gave up on the request before sending all of it: nothing to record, as on
        // HTTP/1.1, but the reset itself, for tests that check a cancel reached the server.
        incoming.remove(streamId);
        handler.recordReset(connectionId, streamId, errorCode);
    }

    private void opened(int streamId, Http2Headers headers, boolean endOfStream) {
        int sequence = streamsOpened++;
        if (streamsOpened == options.goAwayAfterStreams()) {
            connection.goAwayAndCloseWhenIdle(streamId);
        }
        RequestHead head = new RequestHead(
                Objects.toString(headers.method(), ""),
                Objects.toString(headers.path(), ""),
                VERSION,
                fields(headers, headers.authority()));
        RequestHandler.HeadAction action = handler.onHead(head, sequence > 0);
        Incoming request = switch (action.kind()) {
            case EARLY -> {
                early(streamId, head, sequence, action.response());
                yield null;
            }
            case SINK -> new Incoming(head, sequence, null, new SinkMeter(head));
            case READ_BODY -> new Incoming(head, sequence, new BodyRecorder(maxRecordedBodyBytes), null);
            case UPGRADE -> throw new AssertionError("an HTTP/2 stream cannot become a WebSocket: " + head);
        };
        if (request == null) {
            return;
        }
        incoming.put(streamId, request);
        if (endOfStream) {
            finish(streamId, request);
        } else if ("100-continue".equalsIgnoreCase(head.header("Expect"))) {
            H2Answer.writeContinue(connection, streamId);
        }
    }

    /** Acts on a fault that the scripted answer wants applied before the body is read. */
    private void early(int streamId, RequestHead head, int sequence, ResponseSpec spec) {
        if (spec.fault() == Fault.DISCONNECT_AT_START) {
            connection.context().close();
            return;
        }
        handler.record(new ReceivedRequest(
                head,
                new byte[0],
                0,
                false,
                List.of(),
                List.of(),
                connectionId,
                sequence,
                tls(),
                remoteIp(),
                null,
                streamId));
        if (spec.fault() == Fault.DISCONNECT_AFTER_REQUEST_HEAD) {
            connection.context().close();
            return;
        }
        // RESPOND_BEFORE_BODY(_THEN_RESET): answer now; then, as RFC 9113 section 8.1 has it, ask
        // the client to stop sending with RST_STREAM(NO_ERROR), or abort the connection.
        H2Answer.write(connection, streamId, spec, head, () -> {
            if (spec.fault() == Fault.RESPOND_BEFORE_BODY_THEN_RESET) {
                ResponseWriter.reset(connection.context().channel());
            } else if (connection.connection().stream(streamId) != null) {
                connection.reset(streamId, Http2Error.NO_ERROR);
            }
        });
    }

    private void finish(int streamId, Incoming request) {
        incoming.remove(streamId);
        ReceivedRequest received;
        if (request.sink != null) {
            SinkResult result = request.sink.finish();
            received = new ReceivedRequest(
                    request.head,
                    new byte[0],
                    result.bytes(),
                    false,
                    List.of(),
                    request.trailers,
                    connectionId,
                    request.sequence,
                    tls(),
                    remoteIp(),
                    result,
                    streamId);
        } else {
            BodyRecorder body = request.recorder;
            received = new ReceivedRequest(
                    request.head,
                    body.bytes(),
                    body.size(),
                    false,
                    body.chunkSizes(),
                    request.trailers,
                    connectionId,
                    request.sequence,
                    tls(),
                    remoteIp(),
                    null,
                    streamId);
        }
        handler.record(received);
        ChannelHandlerContext ctx = connection.context();
        handler.respond(received, spec -> {
            if (ctx.executor().inEventLoop()) {
                H2Answer.write(connection, streamId, spec, request.head, () -> {});
            } else {
                ctx.executor().execute(() -> H2Answer.write(connection, streamId, spec, request.head, () -> {}));
            }
        });
    }

    /**
     * The regular fields in arrival order; with {@code authority} given and no {@code host} field,
     * {@code Host} comes first, as RFC 9113 section 8.3.1 has an HTTP/1.1 intermediary write it.
     */
    private static List<Map.Entry<String, String>> fields(Http2Headers headers, CharSequence authority) {
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

    private boolean tls() {
        return connection.context().pipeline().get(SslHandler.class) != null;
    }

    private String remoteIp() {
        return connection.context().channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress()
                : "127.0.0.1";
    }
}
