package io.posthaste.testing.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.posthaste.testing.Fault;
import io.posthaste.testing.Http3Fault;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Writes a {@link ResponseSpec} as the answer on one HTTP/3 request stream, with the meaning it has
 * on HTTP/2: interim {@code 100} answers, delays and throttling, chunk sizes as DATA frame sizes,
 * trailers as a trailing HEADERS frame, content coding, a body cut short, stream resets. Header
 * names are lower-cased; no reason phrase, {@code Transfer-Encoding} nor {@code Connection} is
 * added. Each frame goes out once the one before has been taken by QUIC, so flow control paces the
 * answer; a stream the client reset or a closed connection ends it quietly. Runs on the stream's
 * event loop.
 *
 * <p>Connection-wide faults act on the QUIC connection: the disconnects close it at once with
 * {@code H3_NO_ERROR} and {@link Fault#RESET} with {@code H3_INTERNAL_ERROR} (QUIC has no silent
 * abort), a body cut short
 * without a reset code closes it the same way once the bytes before the cut are delivered, and
 * {@code closeConnection()} sends GOAWAY and closes once the connection's streams are done.
 */
final class H3Answer {

    private H3Answer() {}

    /** One frame to write after a pause. */
    private record Step(long delayNanos, Supplier<ChannelFuture> write) {}

    /** Sends an interim {@code 100 Continue} on {@code stream}. */
    static void writeContinue(QuicStreamChannel stream) {
        stream.writeAndFlush(new DefaultHttp3HeadersFrame(new DefaultHttp3Headers().status("100")));
    }

    /**
     * Answers on {@code stream} with {@code spec}, the answer to {@code head}; {@code after} runs once
     * the whole answer is on its way (not when it is cut, reset or replaced by a fault).
     */
    static void write(
            H3Connection connection,
            QuicStreamChannel stream,
            ResponseSpec scripted,
            RequestHead head,
            Runnable after) {
        ResponseSpec spec = scripted.http2Fault() != null || scripted.raw() != null ? refusal(scripted) : scripted;
        Fault fault = spec.fault();
        if (fault == Fault.STALL || !stream.isActive()) {
            return;
        }
        Http3ErrorCode reset = resetCode(spec);
        if (fault == Fault.RESET) {
            connection.close(Http3ErrorCode.H3_INTERNAL_ERROR);
        } else if (fault == Fault.DISCONNECT_AT_START || fault == Fault.DISCONNECT_AFTER_REQUEST_HEAD) {
            // Reached only when a dispatcher chose the fault after the request was read: close unanswered.
            connection.close(Http3ErrorCode.H3_NO_ERROR);
        } else if (reset != null && spec.disconnectAfterBodyBytes() < 0) {
            reset(stream, reset);
        } else {
            compose(connection, stream, spec, head, reset, after);
        }
    }

    /**
     * The HTTP/3 code of a stream reset the answer asks for: {@code resetHttp3Stream}'s exactly, or
     * HTTP/2's {@code resetStream} translated, so that one script serves both protocols.
     */
    static Http3ErrorCode resetCode(ResponseSpec spec) {
        if (spec.http3Reset() != null) {
            return spec.http3Reset();
        }
        Http2Error h2 = spec.resetStream();
        if (h2 == null) {
            return null;
        }
        return switch (h2) {
            case NO_ERROR -> Http3ErrorCode.H3_NO_ERROR;
            case REFUSED_STREAM -> Http3ErrorCode.H3_REQUEST_REJECTED;
            case CANCEL -> Http3ErrorCode.H3_REQUEST_CANCELLED;
            case PROTOCOL_ERROR -> Http3ErrorCode.H3_GENERAL_PROTOCOL_ERROR;
            case ENHANCE_YOUR_CALM -> Http3ErrorCode.H3_EXCESSIVE_LOAD;
            case CONNECT_ERROR -> Http3ErrorCode.H3_CONNECT_ERROR;
            default -> Http3ErrorCode.H3_INTERNAL_ERROR;
        };
    }

    /** Resets both directions of {@code stream}: RESET_STREAM and STOP_SENDING with {@code code}. */
    static void reset(QuicStreamChannel stream, Http3ErrorCode code) {
        stream.shutdown(code.code()).addListener(f -> stream.close());
    }

    /** Raw HTTP/1.1 bytes and HTTP/2 frame floods have no HTTP/3 meaning: say so rather than guess. */
    private static ResponseSpec refusal(ResponseSpec spec) {
        String what = spec.http2Fault() != null ? "Http2Fault." + spec.http2Fault() : "raw(...) bytes";
        return Specs.simple(
                500,
                "text/plain; charset=utf-8",
                ("this answer injects " + what + ", which has no meaning on HTTP/3, but the request came over HTTP/3\n")
                        .getBytes(StandardCharsets.UTF_8));
    }

    private static void compose(
            H3Connection connection,
            QuicStreamChannel stream,
            ResponseSpec spec,
            RequestHead head,
            Http3ErrorCode reset,
            Runnable after) {
        int status = spec.status();
        boolean bodyAllowed = status >= 200 && status != 204 && status != 304;
        boolean chunked =
                bodyAllowed && (spec.chunkSizes() != null || !spec.trailers().isEmpty());
        byte[] content = bodyAllowed ? ResponseWriter.encode(spec.body(), spec.coding()) : new byte[0];
        boolean sendBody = bodyAllowed && !head.method().equals("HEAD");
        long limit = spec.disconnectAfterBodyBytes();
        boolean cut = sendBody && limit >= 0;
        int length = cut ? (int) Math.min(content.length, limit) : content.length;
        boolean strayFrames = spec.http3Fault() == Http3Fault.FRAMES_AFTER_TRAILERS;
        boolean trailers = sendBody && (!spec.trailers().isEmpty() || strayFrames) && !cut;

        Deque<Step> steps = new ArrayDeque<>();
        for (int i = 0; i < spec.interimContinues(); i++) {
            steps.add(headers(stream, 0, new DefaultHttp3Headers().status("100")));
        }
        Http3Headers fields = new DefaultHttp3Headers(false).status(Integer.toString(status));
        for (Map.Entry<String, String> h : spec.headers()) {
            fields.add(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
        }
        if (bodyAllowed && !chunked && spec.header("Content-Length") == null) {
            fields.setInt("content-length", content.length);
        }
        if (spec.coding().token() != null && spec.header("Content-Encoding") == null) {
            fields.set("content-encoding", spec.coding().token());
        }
        steps.add(headers(stream, spec.headersDelayNanos(), fields));
        if (sendBody && length > 0) {
            addData(stream, spec, content, length, steps);
        }
        if (trailers) {
            Http3Headers end = new DefaultHttp3Headers(false);
            spec.trailers().forEach(t -> end.add(t.getKey().toLowerCase(Locale.ROOT), t.getValue()));
            if (end.isEmpty()) {
                end.add("x-end", "1");
            }
            steps.add(headers(stream, 0, end));
        }
        if (strayFrames) {
            steps.add(new Step(0, () -> writeStrayFrames(stream)));
        }
        run(stream, steps, () -> {
            // A reset or close discards whatever QUIC has not sent yet: the part of the answer that
            // was written must reach the client first, so cuts wait for it.
            if (cut && reset != null) {
                stream.eventLoop()
                        .schedule(() -> reset(stream, reset), H3Connection.CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            } else if (cut) {
                // Gone without a word: a crashed server. QUIC has no silent abort; this is the closest.
                connection.closeSoon(Http3ErrorCode.H3_INTERNAL_ERROR);
            } else {
                stream.shutdownOutput().addListener(f -> {
                    if (spec.fault() == Fault.CLOSE_AFTER_RESPONSE) {
                        connection.closeSoon(Http3ErrorCode.H3_NO_ERROR);
                    } else if (spec.closeConnection()) {
                        connection.goAwayAfterCurrent(stream);
                    }
                    after.run();
                });
            }
        });
    }

    /**
     * Writes a DATA frame ({@code stray}) and a HEADERS frame ({@code :status: 200}) as bytes from
     * the first handler of {@code stream}'s pipeline, past the HTTP/3 codec, which would refuse to
     * put frames after the trailers. The field section uses only QPACK's static table (required
     * insert count 0, base 0, then static entry 25), so the QPACK state is untouched.
     */
    private static ChannelFuture writeStrayFrames(QuicStreamChannel stream) {
        byte[] stray = "stray".getBytes(StandardCharsets.US_ASCII);
        ByteBuf frames = Unpooled.buffer(16);
        frames.writeByte(0x00).writeByte(stray.length).writeBytes(stray); // DATA
        frames.writeByte(0x01).writeByte(3).writeByte(0x00).writeByte(0x00).writeByte(0xC0 | 25); // HEADERS
        return stream.pipeline().firstContext().write(frames);
    }

    /** Queues the body's DATA frames: throttled pieces, chunk-sized pieces, or one piece. */
    private static void addData(
            QuicStreamChannel stream, ResponseSpec spec, byte[] content, int length, Deque<Step> steps) {
        int[] sizes = spec.throttleBytes() > 0
                ? new int[] {spec.throttleBytes()}
                : spec.chunkSizes() != null ? spec.chunkSizes() : new int[] {Math.max(1, length)};
        long delay = spec.bodyDelayNanos();
        int pos = 0;
        int i = 0;
        do {
            int size = Math.min(sizes[Math.min(i++, sizes.length - 1)], length - pos);
            int from = pos;
            steps.add(new Step(
                    delay, () -> stream.write(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(content, from, size)))));
            pos += size;
            delay = spec.throttleBytes() > 0 ? spec.throttlePeriodNanos() : spec.chunkPauseNanos();
        } while (pos < length);
    }

    private static Step headers(QuicStreamChannel stream, long delayNanos, Http3Headers fields) {
        return new Step(delayNanos, () -> stream.write(new DefaultHttp3HeadersFrame(fields)));
    }

    private static boolean canWrite(QuicStreamChannel stream) {
        return stream.isActive() && !stream.isOutputShutdown();
    }

    private static void run(QuicStreamChannel stream, Deque<Step> steps, Runnable after) {
        Step step = steps.poll();
        if (step == null) {
            if (canWrite(stream)) {
                after.run();
            }
            return;
        }
        Runnable write = () -> {
            if (!canWrite(stream)) {
                return; // reset by the client, or the connection is gone
            }
            ChannelFuture written = step.write().get();
            stream.flush();
            written.addListener(f -> {
                if (f.isSuccess()) {
                    run(stream, steps, after);
                } else if (canWrite(stream)) {
                    reset(stream, Http3ErrorCode.H3_INTERNAL_ERROR);
                }
            });
        };
        if (step.delayNanos() > 0) {
            stream.eventLoop().schedule(write, step.delayNanos(), TimeUnit.NANOSECONDS);
        } else {
            write.run();
        }
    }
}
