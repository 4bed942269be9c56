package io.posthaste.internal.http1;

import static io.posthaste.internal.http1.Http1Syntax.COMMON_NAMES;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.posthaste.internal.exchange.BodyEnd;
import io.posthaste.internal.exchange.ResponseHead;
import io.posthaste.internal.exchange.ResponseTrailers;
import java.util.List;
import java.util.Locale;

/**
 * A strict HTTP/1.1 response decoder (RFC 9112). It emits a {@link ResponseHead}, then the body
 * as retained {@link ByteBuf} slices of the received bytes (no copy), then {@link BodyEnd}.
 *
 * <p>Where lenient parsers have been exploited for response splitting and smuggling, it refuses
 * rather than guesses: a bare LF, obs-fold, whitespace before a colon, a NUL or other control
 * character in a field, {@code Content-Length} together with {@code Transfer-Encoding}, more
 * than one {@code Content-Length}, a malformed chunk size, an over-long status line, header
 * section or header count, and endless blank lines before the status line are all protocol
 * errors; after one the decoder ignores everything and the connection is closed. A response to
 * HEAD, a 204 and a 304 never have a body whatever their headers say.
 *
 * <p>Header names seen on almost every response are shared constants, and values are decoded
 * through one reusable buffer, so a typical head costs one string per value.
 */
final class ResponseDecoder extends ByteToMessageDecoder {

    static final int MAX_STATUS_LINE = 8190;
    /**
     * Where the decoder is. {@code IDLE} is between exchanges: no request is in flight, so any
     * byte that arrives is unsolicited (a stray or smuggled response) and a protocol error; only
     * {@link #expectResponse} moves on to {@code STATUS_LINE}.
     */
    private enum State {
        IDLE,
        STATUS_LINE,
        HEADERS,
        FIXED,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_END,
        TRAILERS,
        UNTIL_CLOSE,
        BROKEN
    }

    private final int maxHeaderSize;
    private final int maxHeaders;
    private final FieldText fieldText = new FieldText();
    private final String[] lastValues = new String[COMMON_NAMES.length];
    private State state = State.IDLE;
    private boolean headRequest;
    private int blankLines;
    private String version;
    private int status;
    private String reason;
    private String[] headers = new String[32];
    private int headerCount;
    private int headerBytes;
    private long remaining;
    private long received;
    private long lastReadNanos;
    private int statusLineBytes;
    private long interimBytes;

    ResponseDecoder(int maxHeaderSize, int maxHeaders) {
        this.maxHeaderSize = maxHeaderSize;
        this.maxHeaders = maxHeaders;
    }

    /**
     * Tells the decoder that a request is about to be written, and whether it is a HEAD: from
     * now on the bytes that arrive are its response. Event loop only.
     */
    void expectResponse(boolean head) {
        this.headRequest = head;
        this.received = 0;
        this.interimBytes = 0;
        if (state == State.IDLE) {
            state = State.STATUS_LINE;
        }
    }

    /** Returns how many bytes arrived since the last {@link #expectResponse}. Event loop only. */
    long received() {
        return received;
    }

    /** Returns the size of the interim (1xx) heads since the last {@link #expectResponse}. */
    long interimBytes() {
        return interimBytes;
    }

    /** Returns when bytes last arrived ({@link System#nanoTime()}), or 0 if none did. */
    long lastReadNanos() {
        return lastReadNanos;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf bytes) {
            // Counted before decoding: a head that trickles in byte by byte is still activity,
            // and the read timeout must see it (it measures silence, not progress in messages).
            received += bytes.readableBytes();
            lastReadNanos = System.nanoTime();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            while (in.isReadable() && decodeOnce(in, out)) {
                // Each step consumed input or emitted a message; go on while there is input.
            }
        } catch (DecoderException e) {
            state = State.BROKEN;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        switch (state) {
            case UNTIL_CLOSE -> {
                out.add(BodyEnd.INSTANCE);
                state = State.IDLE;
            }
            case FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS -> {
                state = State.BROKEN;
                throw new DecoderException("the connection closed before the end of the body");
            }
            case HEADERS -> {
                state = State.BROKEN;
                throw new DecoderException("the connection closed in the middle of the response head");
            }
            default -> {}
        }
    }

    /** Returns whether to keep going: false when more input is needed. */
    private boolean decodeOnce(ByteBuf in, List<Object> out) {
        switch (state) {
            case IDLE ->
                throw new DecoderException(
                        "unsolicited bytes after a complete response " + "(a stray or smuggled response)");
            case STATUS_LINE -> {
                int end = Http1Syntax.lineEnd(in, MAX_STATUS_LINE, "status line");
                if (end < 0) {
                    return false;
                }
                int length = end - in.readerIndex();
                if (length == 0) {
                    in.skipBytes(2);
                    if (++blankLines > Http1Syntax.MAX_LEADING_BLANK_LINES) {
                        throw new DecoderException("too many blank lines before the status line");
                    }
                    return true;
                }
                parseStatusLine(in, length);
                in.skipBytes(length + 2);
                statusLineBytes = length + 2;
                headerCount = 0;
                headerBytes = 0;
                state = State.HEADERS;
                return true;
            }
            case HEADERS -> {
                int end = Http1Syntax.lineEnd(in, maxHeaderSize - headerBytes + 2, "header section");
                if (end < 0) {
                    return false;
                }
                int length = end - in.readerIndex();
                headerBytes += length + 2;
                if (length == 0) {
                    in.skipBytes(2);
                    endOfHead(out);
                } else {
                    parseHeader(in, length);
                    in.skipBytes(length + 2);
                }
                return true;
            }
            case FIXED -> {
                int n = (int) Math.min(in.readableBytes(), remaining);
                out.add(in.readRetainedSlice(n));
                remaining -= n;
                if (remaining == 0) {
                    out.add(BodyEnd.INSTANCE);
                    state = State.IDLE;
                }
                return true;
            }
            case UNTIL_CLOSE -> {
                out.add(in.readRetainedSlice(in.readableBytes()));
                return true;
            }
            case CHUNK_SIZE -> {
                int end = Http1Syntax.lineEnd(in, Http1Syntax.MAX_CHUNK_LINE, "chunk size line");
                if (end < 0) {
                    return false;
                }
                remaining = Http1Syntax.parseChunkSize(in, end);
                in.readerIndex(end + 2);
                state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
                headerCount = 0; // The head's fields were copied out: the array takes the trailers.
                return true;
            }
            case CHUNK_DATA -> {
                int n = (int) Math.min(in.readableBytes(), remaining);
                out.add(in.readRetainedSlice(n));
                remaining -= n;
                if (remaining == 0) {
                    state = State.CHUNK_END;
                }
                return true;
            }
            case CHUNK_END -> {
                if (in.readableBytes() < 2) {
                    return false;
                }
                if (in.readByte() != '\r' || in.readByte() != '\n') {
                    throw new DecoderException("chunk data not followed by CRLF");
                }
                state = State.CHUNK_SIZE;
                return true;
            }
            case TRAILERS -> {
                int end = Http1Syntax.lineEnd(in, maxHeaderSize - headerBytes + 2, "trailer section");
                if (end < 0) {
                    return false;
                }
                int length = end - in.readerIndex();
                headerBytes += length + 2;
                if (length > 0) {
                    // Checked and kept like header fields (RFC 9112 section 7.1.2).
                    Http1Syntax.checkTrailerLine(in, length);
                    parseHeader(in, length);
                }
                in.skipBytes(length + 2);
                if (length == 0) {
                    if (headerCount > 0) {
                        out.add(new ResponseTrailers(java.util.Arrays.copyOf(headers, headerCount * 2)));
                    }
                    out.add(BodyEnd.INSTANCE);
                    state = State.IDLE;
                }
                return true;
            }
            case BROKEN -> {
                in.skipBytes(in.readableBytes());
                return false;
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void parseStatusLine(ByteBuf in, int length) {
        int start = in.readerIndex();
        if (length < 12
                || !Http1Syntax.isVersion(in, start)
                || in.getByte(start + 8) != ' '
                || length > 12 && in.getByte(start + 12) != ' ') {
            throw new DecoderException("malformed status line");
        }
        version = in.getByte(start + 7) == '1' ? "HTTP/1.1" : "HTTP/1.0";
        int code = 0;
        for (int i = 9; i < 12; i++) {
            byte b = in.getByte(start + i);
            if (b < '0' || b > '9') {
                throw new DecoderException("malformed status code");
            }
            code = code * 10 + (b - '0');
        }
        if (code < 100) {
            throw new DecoderException("status code " + code + " out of range");
        }
        status = code;
        reason = length > 12 ? fieldText.decode(in, start + 13, length - 13, "reason phrase") : "";
        blankLines = 0;
    }

    private void parseHeader(ByteBuf in, int length) {
        if (headerCount >= maxHeaders) {
            throw new DecoderException("more than " + maxHeaders + " header fields");
        }
        int start = in.readerIndex();
        byte first = in.getByte(start);
        if (first == ' ' || first == '\t') {
            throw new DecoderException("obsolete line folding in a header");
        }
        int colon = Http1Syntax.nameEnd(in, start, length, "header");
        int valueStart = colon + 1;
        int valueEnd = length;
        while (valueStart < valueEnd && Http1Syntax.isWhitespace(in.getByte(start + valueStart))) {
            valueStart++;
        }
        while (valueEnd > valueStart && Http1Syntax.isWhitespace(in.getByte(start + valueEnd - 1))) {
            valueEnd--;
        }
        int common = Http1Syntax.commonName(in, start, colon);
        String name = common >= 0 ? COMMON_NAMES[common] : fieldText.decode(in, start, colon, "header name");
        int valueLength = valueEnd - valueStart;
        String value;
        if (common >= 0 && Http1Syntax.sameText(in, start + valueStart, valueLength, lastValues[common])) {
            // Servers repeat most values (Server, Content-Type, even Date within a second).
            value = lastValues[common];
        } else {
            value = fieldText.decode(in, start + valueStart, valueLength, "header value");
            if (common >= 0) {
                lastValues[common] = value;
            }
        }
        if (headerCount * 2 + 2 > headers.length) {
            headers = java.util.Arrays.copyOf(headers, headers.length * 2);
        }
        headers[headerCount * 2] = name;
        headers[headerCount * 2 + 1] = value;
        headerCount++;
    }

    private void endOfHead(List<Object> out) {
        String[] fields = java.util.Arrays.copyOf(headers, headerCount * 2);
        long length = -1;
        boolean chunked = false;
        boolean transferEncoding = false;
        boolean close = false;
        boolean keepAliveToken = false;
        for (int i = 0; i < fields.length; i += 2) {
            String name = fields[i];
            String value = fields[i + 1];
            if (name.equalsIgnoreCase("Content-Length")) {
                if (length >= 0) {
                    throw new DecoderException("more than one Content-Length");
                }
                length = Http1Syntax.parseLength(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                // This client sends no TE header, so a server may apply chunked and nothing else
                // (RFC 9112 §6.1); chunked twice, or a coding we would pass on undecoded, is an
                // answer we cannot frame or read correctly.
                if (!chunked && value.equalsIgnoreCase("chunked")) {
                    chunked = true; // nearly always: no need to split the value
                } else {
                    for (String coding : value.split(",")) {
                        if (chunked || !coding.trim().equalsIgnoreCase("chunked")) {
                            throw new DecoderException("unsupported Transfer-Encoding '" + value
                                    + "' (only a single chunked is accepted)");
                        }
                        chunked = true;
                    }
                }
                transferEncoding = true;
            } else if (name.equalsIgnoreCase("Connection")) {
                String lower = value.toLowerCase(Locale.ROOT);
                close |= lower.contains("close");
                keepAliveToken |= lower.contains("keep-alive");
            }
        }
        if (transferEncoding && length >= 0) {
            throw new DecoderException("both Content-Length and Transfer-Encoding (a request " + "smuggling pattern)");
        }
        boolean http11 = version.equals("HTTP/1.1");
        if (transferEncoding && !http11) {
            // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing.
            throw new DecoderException("Transfer-Encoding in an HTTP/1.0 response");
        }
        boolean keepAlive = !close && (http11 || keepAliveToken);
        boolean interim = status >= 100 && status < 200 && status != 101;
        boolean bodyless = interim || headRequest || status == 204 || status == 304;
        if (!bodyless && !chunked && length < 0) {
            keepAlive = false;
        }
        out.add(new ResponseHead(version, status, reason, fields, keepAlive, length));
        if (interim) {
            interimBytes += statusLineBytes + headerBytes;
            state = State.STATUS_LINE;
        } else if (bodyless) {
            out.add(BodyEnd.INSTANCE);
            state = State.IDLE;
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (transferEncoding || length < 0) {
            state = State.UNTIL_CLOSE;
        } else if (length == 0) {
            out.add(BodyEnd.INSTANCE);
            state = State.IDLE;
        } else {
            remaining = length;
            state = State.FIXED;
        }
    }
}
