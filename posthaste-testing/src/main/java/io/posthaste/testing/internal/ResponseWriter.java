package io.posthaste.testing.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.posthaste.testing.Fault;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Turns a {@link ResponseSpec} into bytes on the wire, honouring its delays, throttling, framing and
 * faults. Everything runs on the channel's event loop; delays are scheduled, never slept.
 */
public final class ResponseWriter {

    /** How long a half-closed connection keeps draining an unwanted request body before closing. */
    static final long LINGER_SECONDS = 5;

    /** Told when the answer is on the wire. */
    public interface Done {
        /** Called on the event loop; {@code open} is true when the connection stays usable. */
        void finished(boolean open);
    }

    /** How many bytes of a repeated pattern go out in one write. */
    static final int REPEAT_BLOCK_BYTES = 64 * 1024;

    /** Bytes to write after a pause; written {@code times} times in a row when more than once. */
    private record Step(long delayNanos, ByteBuf data, long times) {
        Step(long delayNanos, ByteBuf data) {
            this(delayNanos, data, 1);
        }
    }

    private ResponseWriter() {}

    /**
     * Writes {@code spec} as the answer to {@code head} (null when the request could not be parsed).
     *
     * @param earlyAnswer true when the answer goes out before the request body was read; the
     *                    connection is then half-closed and drained rather than kept alive
     */
    public static void write(Channel ch, ResponseSpec scripted, RequestHead head, boolean earlyAnswer, Done done) {
        ResponseSpec spec =
                scripted.http2Only() || scripted.http3Only() ? streamOnlyRefusal(scripted, "HTTP/1.1") : scripted;
        if (spec.fault() == Fault.STALL) {
            return;
        }
        if (spec.fault() == Fault.RESET) {
            reset(ch);
            done.finished(false);
            return;
        }
        if (spec.fault() == Fault.DISCONNECT_AT_START || spec.fault() == Fault.DISCONNECT_AFTER_REQUEST_HEAD) {
            // Reached only when a dispatcher chose the fault after the request was read: close unanswered.
            ch.close();
            done.finished(false);
            return;
        }
        boolean keepAlive =
                head != null && head.keepAlive() && !spec.closeConnection() && !earlyAnswer && !spec.actsBeforeBody();
        Deque<Step> steps = new ArrayDeque<>();
        boolean truncated;
        if (spec.raw() != null) {
            truncated = addRaw(steps, spec);
        } else {
            truncated = compose(steps, spec, head, keepAlive);
        }
        boolean close = !keepAlive || truncated || spec.fault() == Fault.CLOSE_AFTER_RESPONSE;
        run(ch, steps, () -> {
            if (spec.fault() == Fault.RESPOND_BEFORE_BODY_THEN_RESET) {
                reset(ch);
                done.finished(false);
            } else if (earlyAnswer && ch instanceof SocketChannel socket) {
                socket.shutdownOutput();
                ch.eventLoop().schedule(() -> ch.close(), LINGER_SECONDS, TimeUnit.SECONDS);
                done.finished(false);
            } else if (close) {
                ch.close();
                done.finished(false);
            } else {
                done.finished(true);
            }
        });
    }

    /**
     * An HTTP/2 or HTTP/3 fault has no meaning on {@code protocol}: say so rather than guess at an
     * equivalent.
     */
    static ResponseSpec streamOnlyRefusal(ResponseSpec spec, String protocol) {
        String what;
        String needs;
        if (spec.http3Only()) {
            what = spec.http3Fault() != null
                    ? "Http3Fault." + spec.http3Fault()
                    : "resetHttp3Stream(" + spec.http3Reset() + ")";
            needs = "HTTP/3";
        } else {
            what = spec.http2Fault() != null
                    ? "Http2Fault." + spec.http2Fault()
                    : "resetStream(" + spec.resetStream() + ")";
            needs = "HTTP/2";
        }
        return Specs.simple(
                500,
                "text/plain; charset=utf-8",
                ("this answer injects " + what + ", which needs " + needs + ", but the request came over " + protocol
                                + "\n")
                        .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes the exact bytes of a {@link ResponseSpec#raw()} answer onto {@code ch}, with their
     * delays and throttling, then runs {@code after} while the connection is still open; when
     * {@link ResponseSpec#disconnectAfterBodyBytes()} cut them short, closes it instead.
     */
    public static void writeRaw(Channel ch, ResponseSpec spec, Runnable after) {
        Deque<Step> steps = new ArrayDeque<>();
        boolean truncated = addRaw(steps, spec);
        run(ch, steps, truncated ? ch::close : after);
    }

    /** Queues the raw bytes; returns true when they are cut short. */
    private static boolean addRaw(Deque<Step> steps, ResponseSpec spec) {
        byte[] raw = spec.raw();
        long limit = spec.disconnectAfterBodyBytes();
        boolean truncated = limit >= 0;
        int n = truncated ? (int) Math.min(limit, raw.length) : raw.length;
        addThrottled(steps, spec, Unpooled.wrappedBuffer(raw, 0, n), spec.headersDelayNanos());
        if (spec.rawRepeat() != null) {
            addRepeated(steps, spec.rawRepeat());
        }
        return truncated;
    }

    /** Aborts the connection with a TCP RST instead of an orderly FIN. */
    public static void reset(Channel ch) {
        ch.config().setOption(ChannelOption.SO_LINGER, 0);
        ch.close();
    }

    /** Queues interim answers, head and body; returns true when the body is cut short. */
    private static boolean compose(Deque<Step> steps, ResponseSpec spec, RequestHead head, boolean keepAlive) {
        for (int i = 0; i < spec.interimContinues(); i++) {
            steps.add(new Step(0, ascii("HTTP/1.1 100 Continue\r\n\r\n")));
        }
        int status = spec.status();
        boolean bodyAllowed = status >= 200 && status != 204 && status != 304;
        boolean headRequest = head != null && head.method().equals("HEAD");
        boolean chunked =
                bodyAllowed && (spec.chunkSizes() != null || !spec.trailers().isEmpty());
        byte[] content = bodyAllowed ? encode(spec.body(), spec.coding()) : new byte[0];

        StringBuilder sb = new StringBuilder(256);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(spec.reason()).append("\r\n");
        for (Map.Entry<String, String> h : spec.headers()) {
            sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        if (bodyAllowed && chunked && spec.header("Transfer-Encoding") == null) {
            sb.append("Transfer-Encoding: chunked\r\n");
        } else if (bodyAllowed && !chunked && spec.header("Content-Length") == null) {
            sb.append("Content-Length: ").append(content.length).append("\r\n");
        }
        if (spec.coding().token() != null && spec.header("Content-Encoding") == null) {
            sb.append("Content-Encoding: ").append(spec.coding().token()).append("\r\n");
        }
        if (spec.header("Connection") == null) {
            if (!keepAlive) {
                sb.append("Connection: close\r\n");
            } else if (head != null && head.version().equals("HTTP/1.0")) {
                sb.append("Connection: keep-alive\r\n");
            }
        }
        sb.append("\r\n");
        ByteBuf headBytes = Unpooled.wrappedBuffer(sb.toString().getBytes(StandardCharsets.ISO_8859_1));

        if (headRequest || !bodyAllowed) {
            steps.add(new Step(spec.headersDelayNanos(), headBytes));
            return false;
        }
        long limit = spec.disconnectAfterBodyBytes();
        boolean cut = limit >= 0;
        if (chunked && spec.chunkPauseNanos() > 0 && spec.throttleBytes() == 0) {
            // Each chunk alone on the wire, after its pause: how a stream of events arrives.
            steps.add(new Step(spec.headersDelayNanos(), headBytes));
            long delay = spec.bodyDelayNanos();
            for (byte[] piece : chunks(content, spec, cut ? limit : Long.MAX_VALUE)) {
                steps.add(new Step(delay, Unpooled.wrappedBuffer(piece)));
                delay = spec.chunkPauseNanos();
            }
            return cut;
        }
        ByteBuf body = chunked
                ? Unpooled.wrappedBuffer(
                        chunks(content, spec, cut ? limit : Long.MAX_VALUE).toArray(byte[][]::new))
                : Unpooled.wrappedBuffer(content, 0, (int) Math.min(content.length, cut ? limit : Long.MAX_VALUE));
        if (spec.bodyDelayNanos() == 0 && spec.throttleBytes() == 0) {
            steps.add(new Step(spec.headersDelayNanos(), Unpooled.wrappedBuffer(headBytes, body)));
        } else {
            steps.add(new Step(spec.headersDelayNanos(), headBytes));
            addThrottled(steps, spec, body, spec.bodyDelayNanos());
        }
        return cut;
    }

    /**
     * Frames {@code content} as chunks, one array per chunk (the last one also carries the final
     * zero-length chunk and trailers). A cut ({@code limit} below {@link Long#MAX_VALUE}) stops
     * after {@code limit} content bytes, possibly inside a chunk, and never ends the body.
     */
    private static List<byte[]> chunks(byte[] content, ResponseSpec spec, long limit) {
        int[] sizes = spec.chunkSizes() != null ? spec.chunkSizes() : new int[] {Math.max(1, content.length)};
        List<byte[]> out = new ArrayList<>();
        int pos = 0;
        int i = 0;
        while (pos < content.length && pos < limit) {
            int size = Math.min(sizes[Math.min(i++, sizes.length - 1)], content.length - pos);
            int allowed = (int) Math.min(size, limit - pos);
            ByteArrayOutputStream piece = new ByteArrayOutputStream(size + 12);
            piece.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            piece.write(content, pos, allowed);
            if (allowed == size) {
                piece.writeBytes(new byte[] {'\r', '\n'});
            }
            out.add(piece.toByteArray());
            pos += allowed;
        }
        if (limit != Long.MAX_VALUE) {
            return out;
        }
        StringBuilder end = new StringBuilder("0\r\n");
        for (Map.Entry<String, String> t : spec.trailers()) {
            end.append(t.getKey()).append(": ").append(t.getValue()).append("\r\n");
        }
        end.append("\r\n");
        out.add(end.toString().getBytes(StandardCharsets.ISO_8859_1));
        return out;
    }

    private static void addThrottled(Deque<Step> steps, ResponseSpec spec, ByteBuf data, long firstDelay) {
        int piece = spec.throttleBytes();
        if (piece <= 0 || data.readableBytes() <= piece) {
            steps.add(new Step(firstDelay, data));
            return;
        }
        long delay = firstDelay;
        while (data.isReadable()) {
            steps.add(new Step(delay, data.readRetainedSlice(Math.min(piece, data.readableBytes()))));
            delay = spec.throttlePeriodNanos();
        }
        data.release();
    }

    /**
     * Queues {@code repeat} as blocks of about {@link #REPEAT_BLOCK_BYTES}, each written once the
     * one before is on the wire, so the server holds one block however long the answer.
     */
    private static void addRepeated(Deque<Step> steps, ResponseSpec.Repeat repeat) {
        byte[] pattern = repeat.pattern();
        long perBlock = Math.max(1, Math.min(repeat.times(), REPEAT_BLOCK_BYTES / pattern.length));
        steps.add(new Step(0, copies(pattern, perBlock), repeat.times() / perBlock));
        long rest = repeat.times() % perBlock;
        if (rest > 0) {
            steps.add(new Step(0, copies(pattern, rest)));
        }
    }

    private static ByteBuf copies(byte[] pattern, long times) {
        ByteBuf block = Unpooled.buffer((int) (pattern.length * times));
        for (long i = 0; i < times; i++) {
            block.writeBytes(pattern);
        }
        return block;
    }

    private static void run(Channel ch, Deque<Step> steps, Runnable after) {
        Step step = steps.poll();
        if (step == null) {
            after.run();
            return;
        }
        if (step.times() > 1) {
            // The step keeps its buffer for the copies still to come; each write sends a view.
            steps.addFirst(new Step(0, step.data(), step.times() - 1));
        }
        ByteBuf data = step.times() > 1 ? step.data().retainedDuplicate() : step.data();
        Runnable write = () -> {
            if (!ch.isActive()) {
                data.release();
                steps.forEach(s -> s.data().release());
                return;
            }
            ch.writeAndFlush(data).addListener(f -> {
                if (f.isSuccess()) {
                    run(ch, steps, after);
                } else {
                    steps.forEach(s -> s.data().release());
                    ch.close();
                }
            });
        };
        if (step.delayNanos() > 0) {
            ch.eventLoop().schedule(write, step.delayNanos(), TimeUnit.NANOSECONDS);
        } else {
            write.run();
        }
    }

    static byte[] encode(byte[] body, ContentCoding coding) {
        if (coding == ContentCoding.IDENTITY) {
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 2 + 64);
        try (var z = coding == ContentCoding.GZIP ? new GZIPOutputStream(out) : new DeflaterOutputStream(out)) {
            z.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }
}
