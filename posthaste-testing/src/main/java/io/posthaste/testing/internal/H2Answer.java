package io.posthaste.testing.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.posthaste.testing.Fault;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Writes a {@link ResponseSpec} as the answer on one HTTP/2 stream, with the same meaning it has on
 * HTTP/1.1 wherever HTTP/2 has one: interim {@code 100} answers, delays and throttling, chunk sizes
 * as DATA frame sizes (split further at the client's maximum frame size), trailers as a trailing
 * HEADERS frame, content coding, a body cut short. Header names are lower-cased, as HTTP/2
 * requires; no reason phrase, no {@code Transfer-Encoding} nor {@code Connection} is added. Each
 * frame goes out once the one before is on the wire, so flow control paces the answer; a stream
 * the client reset or a closed connection ends it quietly. Runs on the connection's event loop.
 */
final class H2Answer {

    private H2Answer() {}

    /** One frame to write after a pause. */
    private record Step(long delayNanos, Supplier<ChannelFuture> write) {}

    /** Sends an interim {@code 100 Continue} on {@code streamId}. */
    static void writeContinue(H2Connection connection, int streamId) {
        ChannelHandlerContext ctx = connection.context();
        connection
                .encoder()
                .writeHeaders(ctx, streamId, new DefaultHttp2Headers().status("100"), 0, false, ctx.newPromise());
        connection.flush(ctx);
    }

    /**
     * Answers {@code streamId} with {@code spec}, the answer to {@code head}; {@code after} runs once
     * the whole answer is on the wire (not when it is cut, reset or replaced by a fault).
     */
    static void write(H2Connection connection, int streamId, ResponseSpec scripted, RequestHead head, Runnable after) {
        ResponseSpec spec = scripted.http3Only() ? ResponseWriter.streamOnlyRefusal(scripted, "HTTP/2") : scripted;
        ChannelHandlerContext ctx = connection.context();
        Fault fault = spec.fault();
        if (fault == Fault.STALL || !ctx.channel().isActive()) {
            return;
        }
        if (fault == Fault.RESET) {
            ResponseWriter.reset(ctx.channel());
        } else if (fault == Fault.DISCONNECT_AT_START || fault == Fault.DISCONNECT_AFTER_REQUEST_HEAD) {
            // Reached only when a dispatcher chose the fault after the request was read: close unanswered.
            ctx.close();
        } else if (spec.http2Fault() != null) {
            H2Faults.start(connection, streamId, spec);
        } else if (spec.raw() != null) {
            // Exact bytes straight onto the connection: a script that writes frames of its own.
            ResponseWriter.writeRaw(ctx.channel(), spec, () -> {
                if (spec.closeConnection()) {
                    ctx.close();
                }
            });
        } else if (spec.resetStream() != null && spec.disconnectAfterBodyBytes() < 0) {
            connection.reset(streamId, spec.resetStream());
        } else {
            compose(connection, streamId, spec, head, after);
        }
    }

    private static void compose(
            H2Connection connection, int streamId, ResponseSpec spec, RequestHead head, Runnable after) {
        ChannelHandlerContext ctx = connection.context();
        int status = spec.status();
        boolean bodyAllowed = status >= 200 && status != 204 && status != 304;
        boolean chunked =
                bodyAllowed && (spec.chunkSizes() != null || !spec.trailers().isEmpty());
        byte[] content = bodyAllowed ? ResponseWriter.encode(spec.body(), spec.coding()) : new byte[0];
        boolean sendBody = bodyAllowed && !head.method().equals("HEAD");
        long limit = spec.disconnectAfterBodyBytes();
        boolean cut = sendBody && limit >= 0;
        int length = cut ? (int) Math.min(content.length, limit) : content.length;
        boolean trailers = sendBody && !spec.trailers().isEmpty() && !cut;

        Deque<Step> steps = new ArrayDeque<>();
        for (int i = 0; i < spec.interimContinues(); i++) {
            steps.add(headers(connection, streamId, 0, new DefaultHttp2Headers().status("100"), false));
        }
        Http2Headers fields = new DefaultHttp2Headers(false).status(Integer.toString(status));
        for (Map.Entry<String, String> h : spec.headers()) {
            fields.add(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
        }
        if (bodyAllowed && !chunked && spec.header("Content-Length") == null) {
            fields.setInt("content-length", content.length);
        }
        if (spec.coding().token() != null && spec.header("Content-Encoding") == null) {
            fields.set("content-encoding", spec.coding().token());
        }
        boolean headersEnd = !sendBody || (length == 0 && !cut && !trailers);
        steps.add(headers(connection, streamId, spec.headersDelayNanos(), fields, headersEnd));
        if (!headersEnd && length > 0) {
            addData(connection, streamId, spec, content, length, !cut && !trailers, steps);
        }
        if (trailers) {
            Http2Headers end = new DefaultHttp2Headers(false);
            spec.trailers().forEach(t -> end.add(t.getKey().toLowerCase(Locale.ROOT), t.getValue()));
            steps.add(headers(connection, streamId, 0, end, true));
        }
        run(connection, streamId, steps, () -> {
            if (cut && spec.resetStream() != null) {
                connection.reset(streamId, spec.resetStream());
            } else if (cut || spec.fault() == Fault.CLOSE_AFTER_RESPONSE) {
                // Gone without a word (no GOAWAY): a crashed server, or one whose keep-alive timed out.
                ctx.close();
            } else if (spec.closeConnection()) {
                connection.goAwayAndCloseWhenIdle(
                        connection.connection().remote().lastStreamCreated());
                after.run();
            } else {
                after.run();
            }
        });
    }

    /** Queues the body's DATA frames: throttled pieces, chunk-sized pieces, or one piece. */
    private static void addData(
            H2Connection connection,
            int streamId,
            ResponseSpec spec,
            byte[] content,
            int length,
            boolean endStream,
            Deque<Step> steps) {
        int[] sizes = spec.throttleBytes() > 0
                ? new int[] {spec.throttleBytes()}
                : spec.chunkSizes() != null ? spec.chunkSizes() : new int[] {Math.max(1, length)};
        long delay = spec.bodyDelayNanos();
        int pos = 0;
        int i = 0;
        do {
            int size = Math.min(sizes[Math.min(i++, sizes.length - 1)], length - pos);
            int from = pos;
            boolean last = pos + size == length;
            steps.add(new Step(
                    delay,
                    () -> connection
                            .encoder()
                            .writeData(
                                    connection.context(),
                                    streamId,
                                    Unpooled.wrappedBuffer(content, from, size),
                                    0,
                                    last && endStream,
                                    connection.context().newPromise())));
            pos += size;
            delay = spec.throttleBytes() > 0 ? spec.throttlePeriodNanos() : spec.chunkPauseNanos();
        } while (pos < length);
    }

    private static Step headers(
            H2Connection connection, int streamId, long delayNanos, Http2Headers fields, boolean endStream) {
        return new Step(
                delayNanos,
                () -> connection
                        .encoder()
                        .writeHeaders(
                                connection.context(),
                                streamId,
                                fields,
                                0,
                                endStream,
                                connection.context().newPromise()));
    }

    private static void run(H2Connection connection, int streamId, Deque<Step> steps, Runnable after) {
        Step step = steps.poll();
        if (step == null) {
            after.run();
            return;
        }
        ChannelHandlerContext ctx = connection.context();
        Runnable write = () -> {
            if (!connection.canWrite(streamId)) {
                return; // reset by the client, or the connection is gone
            }
            ChannelFuture written = step.write().get();
            connection.flush(ctx);
            written.addListener(f -> {
                if (f.isSuccess()) {
                    run(connection, streamId, steps, after);
                } else if (connection.canWrite(streamId)) {
                    connection.reset(streamId, Http2Error.INTERNAL_ERROR);
                }
            });
        };
        if (step.delayNanos() > 0) {
            ctx.executor().schedule(write, step.delayNanos(), TimeUnit.NANOSECONDS);
        } else {
            write.run();
        }
    }
}
