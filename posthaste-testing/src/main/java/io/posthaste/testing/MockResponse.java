package io.posthaste.testing;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.posthaste.testing.internal.ContentCoding;
import io.posthaste.testing.internal.ResponseSpec;
import io.posthaste.testing.internal.Statuses;
import io.posthaste.testing.internal.Tokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A scripted answer: status, headers and body, with optional delays, throttling, framing choices,
 * content coding and injected {@link Fault faults}. Immutable and thread-safe; build one with
 * {@link #builder()}, {@link #ok(String)} or {@link #status(int)}.
 *
 * <p>Unless told otherwise the server adds {@code Content-Length} (or {@code Transfer-Encoding: chunked}
 * when chunked or with trailers), {@code Content-Encoding} for {@link Builder#gzip()}/{@link Builder#deflate()},
 * and {@code Connection: close} when the connection will close. Headers given explicitly are sent as
 * given and suppress the automatic one of the same name, so a test can send a lying
 * {@code Content-Length}. No {@code Content-Type} is added.
 */
public final class MockResponse {

    private final ResponseSpec spec;

    private MockResponse(ResponseSpec spec) {
        this.spec = spec;
    }

    /** Returns a 200 answer with {@code body} encoded as UTF-8 and no Content-Type. */
    public static MockResponse ok(String body) {
        return builder().body(body).build();
    }

    /** Returns an answer with the given status, its standard reason phrase and an empty body. */
    public static MockResponse status(int code) {
        return builder().status(code).build();
    }

    /** Returns a builder for a {@code 200 OK} answer with an empty body. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder initialised with this answer's settings. */
    public Builder toBuilder() {
        return new Builder(spec);
    }

    /** Returns the status code. */
    public int code() {
        return spec.status();
    }

    /** Returns the fault this answer injects, or null. */
    public Fault fault() {
        return spec.fault();
    }

    ResponseSpec spec() {
        return spec;
    }

    @Override
    public String toString() {
        return "MockResponse[" + spec.status() + " " + spec.reason()
                + (spec.fault() != null ? ", fault=" + spec.fault() : "")
                + (spec.resetStream() != null ? ", resetStream=" + spec.resetStream() : "")
                + (spec.http2Fault() != null ? ", http2Fault=" + spec.http2Fault() : "")
                + (spec.http3Reset() != null ? ", resetHttp3Stream=" + spec.http3Reset() : "")
                + (spec.http3Fault() != null ? ", http3Fault=" + spec.http3Fault() : "")
                + (spec.raw() != null
                        ? ", raw " + spec.raw().length + " bytes"
                        : ", body " + spec.body().length + " bytes")
                + (spec.rawRepeat() != null
                        ? " + " + spec.rawRepeat().times() + " × "
                                + spec.rawRepeat().pattern().length + " bytes"
                        : "")
                + "]";
    }

    /** Builds a {@link MockResponse}; not thread-safe. Every setter validates its input at once. */
    public static final class Builder {
        private int status = 200;
        private String reason;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private byte[] body = new byte[0];
        private int[] chunkSizes;
        private int throttleBytes;
        private long throttlePeriodNanos;
        private long headersDelayNanos;
        private long bodyDelayNanos;
        private boolean closeConnection;
        private final List<Map.Entry<String, String>> trailers = new ArrayList<>();
        private ContentCoding coding = ContentCoding.IDENTITY;
        private int interimContinues;
        private Fault fault;
        private long disconnectAfterBodyBytes = -1;
        private byte[] raw;
        private ResponseSpec.Repeat rawRepeat;
        private Http2Error resetStream;
        private Http2Fault http2Fault;
        private long chunkPauseNanos;
        private Http3ErrorCode http3Reset;
        private Http3Fault http3Fault;

        private Builder() {}

        private Builder(ResponseSpec s) {
            status = s.status();
            reason = s.reason();
            headers.addAll(s.headers());
            body = s.body();
            chunkSizes = s.chunkSizes();
            throttleBytes = s.throttleBytes();
            throttlePeriodNanos = s.throttlePeriodNanos();
            headersDelayNanos = s.headersDelayNanos();
            bodyDelayNanos = s.bodyDelayNanos();
            closeConnection = s.closeConnection();
            trailers.addAll(s.trailers());
            coding = s.coding();
            interimContinues = s.interimContinues();
            fault = s.fault();
            disconnectAfterBodyBytes = s.disconnectAfterBodyBytes();
            raw = s.raw();
            rawRepeat = s.rawRepeat();
            resetStream = s.resetStream();
            http2Fault = s.http2Fault();
            chunkPauseNanos = s.chunkPauseNanos();
            http3Reset = s.http3Reset();
            http3Fault = s.http3Fault();
        }

        /** Sets the status code (100-999); the reason phrase defaults to the standard one, or "Unknown". */
        public Builder status(int code) {
            if (code < 100 || code > 999) {
                throw new IllegalArgumentException("status code must be between 100 and 999: " + code);
            }
            this.status = code;
            return this;
        }

        /** Sets the reason phrase (may be empty; no CR or LF). */
        public Builder reason(String reasonPhrase) {
            if (reasonPhrase == null || reasonPhrase.indexOf('\r') >= 0 || reasonPhrase.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("reason phrase must be non-null without CR or LF");
            }
            this.reason = reasonPhrase;
            return this;
        }

        /** Adds a header; repeat the name to send it several times. CR, LF and NUL are rejected. */
        public Builder header(String name, String value) {
            Tokens.checkField(name, value);
            headers.add(new SimpleImmutableEntry<>(name, value));
            return this;
        }

        /** Sets the body to {@code text} encoded as UTF-8. */
        public Builder body(String text) {
            if (text == null) {
                throw new IllegalArgumentException("body must not be null");
            }
            this.body = text.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /** Sets the body bytes (copied). */
        public Builder body(byte[] bytes) {
            if (bytes == null) {
                throw new IllegalArgumentException("body must not be null");
            }
            this.body = bytes.clone();
            return this;
        }

        /**
         * Sends the body with chunked framing, in chunks of the given sizes in order; the last size
         * repeats until the body is exhausted, and the final chunk may be shorter.
         */
        public Builder chunked(int... sizes) {
            if (sizes == null || sizes.length == 0) {
                throw new IllegalArgumentException("give at least one chunk size");
            }
            for (int size : sizes) {
                if (size <= 0) {
                    throw new IllegalArgumentException("chunk sizes must be positive: " + size);
                }
            }
            this.chunkSizes = sizes.clone();
            return this;
        }

        /**
         * With {@link #chunked}, waits {@code pause} before each chunk after the first (on HTTP/2,
         * before each DATA frame after the first), so that a client sees each chunk arrive alone:
         * a stream of events, say. Throttling, when set, takes precedence.
         */
        public Builder chunkPause(Duration pause) {
            this.chunkPauseNanos = nanos(pause, "chunk pause");
            return this;
        }

        /** Writes the body {@code bytes} at a time, pausing {@code period} between writes. */
        public Builder throttle(int bytes, Duration period) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("throttle bytes must be positive: " + bytes);
            }
            this.throttleBytes = bytes;
            this.throttlePeriodNanos = nanos(period, "throttle period");
            return this;
        }

        /** Waits {@code delay} before writing the status line (after any interim answers). */
        public Builder headersDelay(Duration delay) {
            this.headersDelayNanos = nanos(delay, "headers delay");
            return this;
        }

        /** Waits {@code delay} between the head and the body. */
        public Builder bodyDelay(Duration delay) {
            this.bodyDelayNanos = nanos(delay, "body delay");
            return this;
        }

        /** Sends {@code Connection: close} and closes the connection after this answer. */
        public Builder closeConnection() {
            this.closeConnection = true;
            return this;
        }

        /** Adds a trailer field; implies chunked framing (one chunk unless {@link #chunked} says otherwise). */
        public Builder trailer(String name, String value) {
            Tokens.checkField(name, value);
            trailers.add(new SimpleImmutableEntry<>(name, value));
            return this;
        }

        /** Compresses the body with gzip and sends {@code Content-Encoding: gzip}. */
        public Builder gzip() {
            this.coding = ContentCoding.GZIP;
            return this;
        }

        /** Compresses the body with zlib-wrapped deflate and sends {@code Content-Encoding: deflate}. */
        public Builder deflate() {
            this.coding = ContentCoding.DEFLATE;
            return this;
        }

        /** Sends {@code n} (0-100) {@code 100 Continue} interim answers before this one. */
        public Builder interimContinues(int n) {
            if (n < 0 || n > 100) {
                throw new IllegalArgumentException("interim continues must be between 0 and 100: " + n);
            }
            this.interimContinues = n;
            return this;
        }

        /** Injects a fault; see {@link Fault} for when each one acts. */
        public Builder fault(Fault f) {
            if (f == null) {
                throw new IllegalArgumentException("fault must not be null");
            }
            this.fault = f;
            return this;
        }

        /**
         * Closes the connection after {@code n} bytes of the (encoded) body content; with chunked
         * framing the cut may fall inside a chunk, and a cut at (or past) the body's end still leaves
         * out the final zero-length chunk: the body never ends properly. With {@link #raw}, counts
         * raw bytes instead.
         * On HTTP/2 the stream is cut instead of the connection when {@link #resetStream} is set, and
         * on HTTP/3 when {@link #resetHttp3Stream} (or {@code resetStream}) is; otherwise an HTTP/3
         * connection is closed with {@code H3_INTERNAL_ERROR}.
         */
        public Builder disconnectAfterBodyBytes(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("byte count must not be negative: " + n);
            }
            this.disconnectAfterBodyBytes = n;
            return this;
        }

        /**
         * Writes exactly {@code exactBytes} instead of a composed answer (for malformed responses).
         * Delays, throttling, {@link #closeConnection()} and {@link #disconnectAfterBodyBytes} still
         * apply; status, headers, body, framing and coding must not be set.
         */
        public Builder raw(byte[] exactBytes) {
            if (exactBytes == null) {
                throw new IllegalArgumentException("raw bytes must not be null");
            }
            this.raw = exactBytes.clone();
            return this;
        }

        /**
         * Follows the {@link #raw} bytes (or, without them, makes the whole answer) with
         * {@code pattern} written {@code times} times, made as it is written rather than held: an
         * answer far larger than any heap, such as a status line that never ends or a body of a
         * gibibyte, costs the server about 64 KiB. Writing waits while the client does not read and
         * stops when it closes the connection. Delays apply; throttling and
         * {@link #disconnectAfterBodyBytes} do not combine with it.
         *
         * {@snippet :
         * MockResponse.builder()
         *         .raw("HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n".getBytes(US_ASCII))
         *         .rawRepeated(new byte[65_536], 16_384)   // 1 GiB of zeros
         *         .build();
         * }
         */
        public Builder rawRepeated(byte[] pattern, long times) {
            if (pattern == null || pattern.length == 0) {
                throw new IllegalArgumentException("the pattern must not be empty");
            }
            if (times < 1) {
                throw new IllegalArgumentException("times must be at least 1: " + times);
            }
            if (raw == null) {
                raw = new byte[0];
            }
            this.rawRepeat = new ResponseSpec.Repeat(pattern.clone(), times);
            return this;
        }

        /**
         * On HTTP/2, resets the request's stream with RST_STREAM({@code code}) instead of answering,
         * once the request has been read and recorded; with {@link #disconnectAfterBodyBytes(long)},
         * after the response headers and that many body bytes instead (the answer is cut short).
         * {@code REFUSED_STREAM} tells the client the request was never processed; most other codes
         * tell it the request may have been. On HTTP/1.1, a reset with no byte count gets a 500
         * naming it, and a cut closes the connection.
         */
        public Builder resetStream(Http2Error code) {
            if (code == null) {
                throw new IllegalArgumentException("error code must not be null");
            }
            this.resetStream = code;
            return this;
        }

        /**
         * On HTTP/3, resets the request's stream in both directions (RESET_STREAM and STOP_SENDING)
         * with {@code code} instead of answering, once the request has been read and recorded; with
         * {@link #disconnectAfterBodyBytes(long)}, after the response headers and that many body
         * bytes instead (the answer is cut short). {@code H3_REQUEST_REJECTED} tells the client the
         * request was never processed (RFC 9114 section 4.1.1): the server sends no byte of an
         * answer before it, so it does not combine with a byte count; most other codes, such as
         * {@code H3_REQUEST_CANCELLED} or {@code H3_INTERNAL_ERROR}, tell it the request may have
         * been. On HTTP/1.1 and HTTP/2, a reset with no byte count gets a 500 naming it, and a cut
         * closes the connection.
         *
         * <p>{@link #resetStream(Http2Error)} acts on HTTP/3 too, translated: {@code REFUSED_STREAM}
         * to {@code H3_REQUEST_REJECTED}, {@code CANCEL} to {@code H3_REQUEST_CANCELLED},
         * {@code NO_ERROR} to {@code H3_NO_ERROR}, {@code PROTOCOL_ERROR} to
         * {@code H3_GENERAL_PROTOCOL_ERROR}, {@code ENHANCE_YOUR_CALM} to {@code H3_EXCESSIVE_LOAD},
         * {@code CONNECT_ERROR} to {@code H3_CONNECT_ERROR}, any other to {@code H3_INTERNAL_ERROR};
         * this method's code wins where both are set.
         */
        public Builder resetHttp3Stream(Http3ErrorCode code) {
            if (code == null) {
                throw new IllegalArgumentException("error code must not be null");
            }
            this.http3Reset = code;
            return this;
        }

        /** Answers with a hostile HTTP/3 behaviour; see {@link Http3Fault} for each. */
        public Builder http3Fault(Http3Fault f) {
            if (f == null) {
                throw new IllegalArgumentException("HTTP/3 fault must not be null");
            }
            this.http3Fault = f;
            return this;
        }

        /** Answers with a hostile HTTP/2 behaviour; see {@link Http2Fault} for each. */
        public Builder http2Fault(Http2Fault f) {
            if (f == null) {
                throw new IllegalArgumentException("HTTP/2 fault must not be null");
            }
            this.http2Fault = f;
            return this;
        }

        /** Returns the immutable answer. */
        public MockResponse build() {
            if (rawRepeat != null && (throttleBytes > 0 || disconnectAfterBodyBytes >= 0)) {
                throw new IllegalStateException(
                        "rawRepeated(...) does not combine with throttle or " + "disconnectAfterBodyBytes");
            }
            if (raw != null
                    && (body.length > 0
                            || !headers.isEmpty()
                            || chunkSizes != null
                            || !trailers.isEmpty()
                            || coding != ContentCoding.IDENTITY
                            || interimContinues > 0)) {
                throw new IllegalStateException("raw(...) writes exact bytes; do not combine it with body, headers,"
                        + " chunked, trailers, gzip/deflate or interim continues");
            }
            if (http3Reset == Http3ErrorCode.H3_REQUEST_REJECTED && disconnectAfterBodyBytes >= 0) {
                throw new IllegalStateException("H3_REQUEST_REJECTED says the request was never processed; "
                        + "it cannot follow part of an answer (drop disconnectAfterBodyBytes)");
            }
            return new MockResponse(new ResponseSpec(
                    status,
                    reason != null ? reason : Statuses.reason(status),
                    List.copyOf(headers),
                    body,
                    chunkSizes,
                    throttleBytes,
                    throttlePeriodNanos,
                    headersDelayNanos,
                    bodyDelayNanos,
                    closeConnection,
                    List.copyOf(trailers),
                    coding,
                    interimContinues,
                    fault,
                    disconnectAfterBodyBytes,
                    raw,
                    rawRepeat,
                    resetStream,
                    http2Fault,
                    chunkPauseNanos,
                    http3Reset,
                    http3Fault));
        }

        private static long nanos(Duration d, String what) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be zero or positive: " + d);
            }
            if (d.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException(what + " longer than an hour is surely a mistake: " + d);
            }
            return d.toNanos();
        }
    }
}
