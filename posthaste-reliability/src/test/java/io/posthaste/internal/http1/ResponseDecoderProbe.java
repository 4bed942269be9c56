package io.posthaste.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.posthaste.internal.exchange.BodyEnd;
import io.posthaste.internal.exchange.ResponseHead;
import io.posthaste.internal.exchange.ResponseTrailers;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Drives the client's package-private {@link ResponseDecoder} in an {@link EmbeddedChannel} for
 * the reliability suite (tests run on the class path, so this class shares the package). It
 * feeds pooled direct buffers piece by piece, copies and releases everything the decoder emits,
 * and turns the output into public values. It also checks, without waiting for a garbage
 * collection, that every input buffer ends with a reference count of zero, and bounds each run
 * in time so that a decoder loop that never ends fails instead of hanging the build.
 */
public final class ResponseDecoderProbe {

    /** What the decoder emitted, in order. */
    public sealed interface Event permits Head, Content, End {}

    /** A response head; {@code headers} alternate names and values. */
    public record Head(
            String version, int status, String reason, List<String> headers, boolean keepAlive, long contentLength)
            implements Event {}

    /** Body bytes, copied out of the emitted slice. */
    public record Content(byte[] bytes) implements Event {
        @Override
        public String toString() {
            return "Content[" + bytes.length + " bytes]";
        }
    }

    /** The end of a body. */
    public record End() implements Event {}

    /**
     * The outcome of a run.
     *
     * @param events what was emitted before the connection closed or the decoder failed
     * @param failure the decoder's failure, or null
     * @param failedAtClose whether the failure came when the connection closed (a cut-short message)
     * @param bytesFedBeforeFailure how many input bytes had been written when it failed
     */
    public record Outcome(
            List<Event> events, DecoderException failure, boolean failedAtClose, long bytesFedBeforeFailure) {

        /** Returns the body bytes of every response, concatenated. */
        public byte[] body() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            events.stream().filter(Content.class::isInstance).forEach(e -> out.writeBytes(((Content) e).bytes()));
            return out.toByteArray();
        }

        /** Returns how many bodies ended. */
        public long ends() {
            return events.stream().filter(End.class::isInstance).count();
        }
    }

    private static final ExecutorService RUNNER = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "response-decoder-probe");
        thread.setDaemon(true); // a decoder stuck in a loop must not keep the test JVM alive
        return thread;
    });

    private ResponseDecoderProbe() {}

    /**
     * Feeds {@code pieces} one write each, then closes the connection if {@code close} (as a
     * server that ends an until-close body or cuts a message short does).
     *
     * @throws AssertionError if the run takes over 10 s or an input buffer is left unreleased
     */
    public static Outcome run(
            List<byte[]> pieces, boolean headRequest, boolean close, int maxHeaderSize, int maxHeaders) {
        return runExchanges(List.of(pieces), headRequest, close, maxHeaderSize, maxHeaders);
    }

    /**
     * Feeds one connection's exchanges in turn, as the client does: each response's pieces after
     * its request was announced to the decoder ({@code expectResponse}), never before.
     *
     * @throws AssertionError if the run takes over 10 s or an input buffer is left unreleased
     */
    public static Outcome runExchanges(
            List<List<byte[]>> exchanges, boolean headRequest, boolean close, int maxHeaderSize, int maxHeaders) {
        Future<Outcome> future = RUNNER.submit(() -> feed(exchanges, headRequest, close, maxHeaderSize, maxHeaders));
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError("the decoder did not finish within 10 s: it hangs", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Outcome feed(
            List<List<byte[]>> exchanges, boolean headRequest, boolean close, int maxHeaderSize, int maxHeaders) {
        ResponseDecoder decoder = new ResponseDecoder(maxHeaderSize, maxHeaders);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<ByteBuf> inputs = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        DecoderException failure = null;
        boolean atClose = false;
        long fed = 0;
        try {
            exchanges:
            for (List<byte[]> pieces : exchanges) {
                decoder.expectResponse(headRequest);
                for (byte[] piece : pieces) {
                    ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(Math.max(1, piece.length));
                    buf.writeBytes(piece);
                    inputs.add(buf);
                    fed += piece.length;
                    try {
                        channel.writeInbound(buf);
                    } catch (DecoderException e) {
                        failure = e;
                        break exchanges;
                    } finally {
                        drain(channel, events);
                    }
                }
            }
            if (failure == null && close) {
                try {
                    channel.finish();
                } catch (DecoderException e) {
                    failure = e;
                    atClose = true;
                } finally {
                    drain(channel, events); // what decodeLast emitted: the end of an until-close body
                }
            }
        } finally {
            try {
                channel.finishAndReleaseAll();
            } catch (DecoderException ignored) {
                // Closing a connection the test did not mean to close: only the release matters.
            }
        }
        for (ByteBuf input : inputs) {
            if (input.refCnt() != 0) {
                int left = input.refCnt();
                input.release(left);
                throw new AssertionError("an input buffer was left with reference count " + left);
            }
        }
        return new Outcome(List.copyOf(events), failure, atClose, fed);
    }

    private static void drain(EmbeddedChannel channel, List<Event> events) {
        for (Object message; (message = channel.readInbound()) != null; ) {
            if (message instanceof ByteBuf buf) {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                buf.release();
                events.add(new Content(bytes));
            } else if (message instanceof ResponseHead head) {
                events.add(new Head(
                        head.version(),
                        head.status(),
                        head.reason(),
                        Arrays.asList(head.headers()),
                        head.keepAlive(),
                        head.contentLength()));
            } else if (message == BodyEnd.INSTANCE) {
                events.add(new End());
            } else if (message instanceof ResponseTrailers) {
                // A chunked body's trailer section comes just before its end; the fields are
                // ResponseDecoderTest's and TrailersTest's to check, the framing is this model's.
            } else {
                throw new AssertionError("unexpected message from the decoder: " + message);
            }
        }
    }
}
