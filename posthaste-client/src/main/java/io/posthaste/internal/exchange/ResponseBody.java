package io.posthaste.internal.exchange;

import io.netty.buffer.ByteBuf;
import io.posthaste.ClientPayloadException;
import io.posthaste.Headers;
import io.posthaste.Response;
import io.posthaste.internal.Bridge;
import io.posthaste.internal.decode.BodyDecoder;
import io.posthaste.internal.session.ProgressListeners;
import io.posthaste.internal.session.SessionConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Where a response body goes as it arrives: decoded if it is compressed, counted for progress,
 * then either into one array (buffered: sized from {@code Content-Length} up front, so a body
 * is copied once, and capped) or to a {@link ResponseBodyStream} a reader takes it from. Event
 * loop of the exchange's carrier.
 */
final class ResponseBody implements Consumer<byte[]> {

    private static final byte[] EMPTY = new byte[0];
    /**
     * Past this, a body of unknown length grows by whole segments rather than by copying itself:
     * at its end it takes its size twice (the segments and the one array made of them), not the
     * three times a doubling array would.
     */
    private static final int SEGMENT = 64 * 1024;

    private final ExchangeSpec spec;
    private BodyDecoder decoder;
    private final Progress download;
    private final ResponseBodyStream stream;
    /** The trailer fields of a buffered body, or null if none came. */
    private String[] trailers;
    /** The array being filled: the whole body when its length was known. */
    private byte[] bytes;

    private int filled;
    /** Full segments before {@code bytes}, for a long body of unknown length; else null. */
    private List<byte[]> segments;

    private int size;

    private ResponseBody(
            ExchangeSpec spec, BodyDecoder decoder, Progress download, ResponseBodyStream stream, byte[] bytes) {
        this.spec = spec;
        this.decoder = decoder;
        this.download = download;
        this.stream = stream;
        this.bytes = bytes;
    }

    /**
     * Opens the body of the final answer {@code head}, held as {@code holding} says; a streamed
     * one is read from {@code carrier} for {@code exchange}. Throws if a buffered body declares
     * more than the cap, or its coding is unknown.
     */
    static ResponseBody open(
            ExchangeSpec spec, ResponseHead head, BodyPolicy.Holding holding, Carrier carrier, Exchange exchange)
            throws IOException {
        int status = head.status();
        boolean bodyless = spec.isHead() || status == 204 || status == 304;
        // A redirect's body is kept raw and small: it is never decoded (no bomb in a 3xx).
        boolean raw = holding == BodyPolicy.Holding.BUFFER_RAW;
        boolean buffered = holding != BodyPolicy.Holding.STREAM;
        String encoding = bodyless || raw || !spec.decompress() ? null : head.header("Content-Encoding");
        BodyDecoder decoder =
                encoding == null ? null : BodyDecoder.forHeader(encoding, buffered ? spec.maxBodySize() : -1);
        ProgressListeners listeners = spec.progress();
        Progress download = listeners == null || raw
                ? null
                : Progress.of(listeners.download(), bodyless ? 0 : decoder != null ? -1 : head.contentLength());
        if (!buffered) {
            return new ResponseBody(spec, decoder, download, new ResponseBodyStream(carrier, exchange), null);
        }
        long length = bodyless || decoder != null ? -1 : head.contentLength();
        if (length > spec.maxBodySize()) {
            if (decoder != null) {
                decoder.close();
            }
            throw tooLarge(spec);
        }
        return new ResponseBody(
                spec,
                decoder,
                download,
                null,
                // Unknown length: the first piece decides the first array (often the whole body,
                // kept as it is), then it doubles up to a segment.
                length > 0 ? new byte[(int) length] : EMPTY);
    }

    /** Returns the stream a reader takes the body from, or null when it is buffered. */
    ResponseBodyStream stream() {
        return stream;
    }

    /** Takes a piece of the body as it came off the wire. */
    void add(ByteBuf content) throws IOException {
        int readable = content.readableBytes();
        if (readable == 0) {
            return;
        }
        if (decoder != null) {
            byte[] input = new byte[readable];
            content.readBytes(input);
            decoder.feed(input, 0, readable, this);
        } else if (stream != null) {
            byte[] piece = new byte[readable];
            content.readBytes(piece);
            accept(piece);
        } else {
            checkCap(readable);
            for (int left = readable; left > 0; ) {
                int n = room(left);
                content.readBytes(bytes, filled, n);
                filled += n;
                left -= n;
            }
            size += readable;
            if (download != null) {
                download.add(readable);
            }
        }
    }

    /** Takes a piece of the body as decoded (or, streamed, as it came). */
    @Override
    public void accept(byte[] piece) {
        if (download != null) {
            download.add(piece.length);
        }
        if (stream != null) {
            stream.offer(piece);
            return;
        }
        checkCap(piece.length);
        for (int from = 0; from < piece.length; ) {
            int n = room(piece.length - from);
            System.arraycopy(piece, from, bytes, filled, n);
            filled += n;
            from += n;
        }
        size += piece.length;
    }

    /** The body is complete: ends decoding and progress, and a stream's reader sees the end. */
    void end() throws IOException {
        if (decoder != null) {
            decoder.finish();
        }
        if (download != null) {
            download.finish();
        }
        if (stream != null) {
            stream.end();
        }
    }

    /** The trailer fields arrived; the body ends next. Event loop. */
    void trailers(String[] fields) {
        if (stream != null) {
            stream.trailers(fields);
        } else {
            trailers = fields;
        }
    }

    /** Returns the bytes of a buffered body, once it has {@linkplain #end() ended}. */
    byte[] bytes() {
        if (segments == null) {
            return filled == bytes.length ? bytes : Arrays.copyOf(bytes, filled);
        }
        byte[] whole = new byte[size];
        int at = 0;
        for (byte[] segment : segments) {
            System.arraycopy(segment, 0, whole, at, segment.length);
            at += segment.length;
        }
        System.arraycopy(bytes, 0, whole, at, filled);
        return whole;
    }

    /** Returns how many bytes a buffered body holds (0 for a streamed one). */
    int size() {
        return size;
    }

    /**
     * Returns the response to hand back for {@code head}: with the whole body once it has
     * {@linkplain #end() ended}, or at once with the stream of a streamed one; its timings are
     * read from {@code times}.
     */
    Response response(ResponseHead head, SessionConfig config, ExchangeTimes times) {
        Bridge bridge = Bridge.get();
        Headers headers = bridge.trustedHeaders(head.headers());
        if (stream != null) {
            return bridge.streamedResponse(
                    spec.request(),
                    head.status(),
                    head.reason(),
                    headers,
                    head.version(),
                    stream,
                    stream::close,
                    config.jsonCodec(),
                    config.checkJsonContentType(),
                    times,
                    stream::trailers);
        }
        Supplier<Headers> trailerSource = null;
        if (trailers != null) {
            Headers fields = bridge.trustedHeaders(trailers);
            trailerSource = () -> fields;
        }
        return bridge.response(
                spec.request(),
                head.status(),
                head.reason(),
                headers,
                head.version(),
                bytes(),
                List.of(),
                config.jsonCodec(),
                config.checkJsonContentType(),
                times,
                trailerSource);
    }

    /** Frees the decoder and the buffer; idempotent. */
    void close() {
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        bytes = null;
        segments = null;
    }

    private void checkCap(int more) {
        if ((long) size + more > spec.maxBodySize()) {
            throw tooLarge(spec);
        }
    }

    /**
     * Makes room in {@code bytes} for up to {@code wanted} more bytes and returns how many fit:
     * a body of known length always fits; one of unknown length doubles its array up to a
     * segment, then adds segments.
     */
    private int room(int wanted) {
        if (filled == bytes.length) {
            if (bytes.length < SEGMENT) {
                bytes = Arrays.copyOf(bytes, Math.min(Math.max(bytes.length * 2, wanted), SEGMENT));
            } else {
                if (segments == null) {
                    segments = new ArrayList<>();
                }
                segments.add(bytes);
                bytes = new byte[SEGMENT];
                filled = 0;
            }
        }
        return Math.min(wanted, bytes.length - filled);
    }

    private static ClientPayloadException tooLarge(ExchangeSpec spec) {
        return new ClientPayloadException(
                "response body of " + spec.describe() + " exceeds the limit of " + spec.maxBodySize() + " bytes", null);
    }
}
