package io.posthaste.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.posthaste.internal.connection.Origin;
import io.posthaste.internal.exchange.BodyEnd;
import io.posthaste.internal.exchange.ResponseHead;
import java.nio.charset.StandardCharsets;
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
    private static final int MAX_CHUNK_LINE = 1024;
    private static final int MAX_LEADING_BLANK_LINES = 8;
    private static final String[] COMMON_NAMES = {"Content-Length", "Content-Type", "Date", "Server",
        "Connection", "Transfer-Encoding", "Content-Encoding", "Keep-Alive", "Cache-Control",
        "Set-Cookie", "Location", "Vary", "ETag", "Last-Modified", "Accept-Ranges", "Expires",
        "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Retry-After"};
    private static final byte[][] COMMON_NAME_BYTES = new byte[COMMON_NAMES.length][];

    static {
        for (int i = 0; i < COMMON_NAMES.length; i++) {
            COMMON_NAME_BYTES[i] = COMMON_NAMES[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    /**
     * Where the decoder is. {@code IDLE} is between exchanges: no request is in flight, so any
     * byte that arrives is unsolicited (a stray or smuggled response) and a protocol error; only
     * {@link #expectResponse} moves on to {@code STATUS_LINE}.
     */
    private enum State { IDLE, STATUS_LINE, HEADERS, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END,
        TRAILERS, UNTIL_CLOSE, BROKEN }

    private final int maxHeaderSize;
    private final int maxHeaders;
    private byte[] scratch = new byte[256];
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
            default -> { }
        }
    }

    /** Returns whether to keep going: false when more input is needed. */
    private boolean decodeOnce(ByteBuf in, List<Object> out) {
        switch (state) {
            case IDLE -> throw new DecoderException("unsolicited bytes after a complete response "
                    + "(a stray or smuggled response)");
            case STATUS_LINE -> {
                int end = lineEnd(in, MAX_STATUS_LINE, "status line");
                if (end < 0) {
                    return false;
                }
                int length = end - in.readerIndex();
                if (length == 0) {
                    in.skipBytes(2);
                    if (++blankLines > MAX_LEADING_BLANK_LINES) {
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
                int end = lineEnd(in, maxHeaderSize - headerBytes + 2, "header section");
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
                int end = lineEnd(in, MAX_CHUNK_LINE, "chunk size line");
                if (end < 0) {
                    return false;
                }
                remaining = parseChunkSize(in, end);
                in.readerIndex(end + 2);
                state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
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
                int end = lineEnd(in, maxHeaderSize - headerBytes + 2, "trailer section");
                if (end < 0) {
                    return false;
                }
                int length = end - in.readerIndex();
                headerBytes += length + 2;
                if (length > 0) {
                    checkTrailerLine(in, length);
                }
                in.skipBytes(length + 2);
                if (length == 0) {
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

    /**
     * Returns the index of the CR of the next CRLF, or -1 if the line is not complete yet.
     * A LF without CR before it, or a line over {@code max}, is an error.
     */
    private static int lineEnd(ByteBuf in, int max, String what) {
        int start = in.readerIndex();
        int searchable = Math.min(in.readableBytes(), max);
        int lf = in.indexOf(start, start + searchable, (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() >= max) {
                throw new DecoderException(what + " longer than " + max + " bytes");
            }
            return -1;
        }
        if (lf == start || in.getByte(lf - 1) != '\r') {
            throw new DecoderException("bare LF in the " + what);
        }
        return lf - 1;
    }

    private void parseStatusLine(ByteBuf in, int length) {
        int start = in.readerIndex();
        if (length < 12 || !isVersion(in, start) || in.getByte(start + 8) != ' '
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
        reason = length > 12 ? text(in, start + 13, length - 13, "reason phrase") : "";
        blankLines = 0;
    }

    private static boolean isVersion(ByteBuf in, int start) {
        return in.getByte(start) == 'H' && in.getByte(start + 1) == 'T' && in.getByte(start + 2) == 'T'
                && in.getByte(start + 3) == 'P' && in.getByte(start + 4) == '/'
                && in.getByte(start + 5) == '1' && in.getByte(start + 6) == '.'
                && (in.getByte(start + 7) == '1' || in.getByte(start + 7) == '0');
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
        int colon = nameEnd(in, start, length, "header");
        int valueStart = colon + 1;
        int valueEnd = length;
        while (valueStart < valueEnd && isWhitespace(in.getByte(start + valueStart))) {
            valueStart++;
        }
        while (valueEnd > valueStart && isWhitespace(in.getByte(start + valueEnd - 1))) {
            valueEnd--;
        }
        int common = commonName(in, start, colon);
        String name = common >= 0 ? COMMON_NAMES[common] : text(in, start, colon, "header name");
        int valueLength = valueEnd - valueStart;
        String value;
        if (common >= 0 && sameText(in, start + valueStart, valueLength, lastValues[common])) {
            // Servers repeat most values (Server, Content-Type, even Date within a second).
            value = lastValues[common];
        } else {
            value = text(in, start + valueStart, valueLength, "header value");
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

    /** Trailer fields are checked like header fields (RFC 9112 §7.1.2), then dropped. */
    private static void checkTrailerLine(ByteBuf in, int length) {
        int start = in.readerIndex();
        byte first = in.getByte(start);
        if (first == ' ' || first == '\t') {
            throw new DecoderException("malformed trailer field (obsolete line folding)");
        }
        int colon = nameEnd(in, start, length, "trailer");
        for (int i = colon + 1; i < length; i++) {
            int b = in.getByte(start + i) & 0xff;
            if (b < 0x20 && b != '\t' || b == 0x7f) {
                throw new DecoderException("control character in a trailer field");
            }
        }
    }

    /** Returns the index of the colon ending a field's name, checking the name is a token. */
    private static int nameEnd(ByteBuf in, int start, int length, String what) {
        for (int i = 0; i < length; i++) {
            byte b = in.getByte(start + i);
            if (b == ':') {
                if (i == 0) {
                    break;
                }
                return i;
            }
            if (b < 0 || !io.posthaste.internal.semantics.HeaderRules.isTokenChar((char) b)) {
                throw new DecoderException("invalid character in a " + what + " name");
            }
        }
        throw new DecoderException(what + " line without a name and colon");
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
                length = parseLength(value);
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
            throw new DecoderException("both Content-Length and Transfer-Encoding (a request "
                    + "smuggling pattern)");
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

    private static long parseLength(String value) {
        if (value.isEmpty() || value.length() > 18) {
            throw new DecoderException("invalid Content-Length");
        }
        long length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new DecoderException("invalid Content-Length");
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }

    private static long parseChunkSize(ByteBuf in, int end) {
        int start = in.readerIndex();
        long size = 0;
        int digits = 0;
        int i = start;
        for (; i < end; i++) {
            int b = in.getByte(i);
            int digit = Character.digit(b, 16);
            if (digit < 0) {
                break;
            }
            if (++digits > 15) {
                throw new DecoderException("chunk size too large");
            }
            size = size * 16 + digit;
        }
        if (digits == 0) {
            throw new DecoderException("malformed chunk size");
        }
        checkChunkExtensions(in, i, end);
        return size;
    }

    /**
     * RFC 9112 §7.1.1: after the size only {@code *( BWS ";" BWS token [ BWS "=" BWS ( token /
     * quoted-string ) ] )}. Anything else ({@code "5 x"}, {@code "5 0"}) is a size we would be
     * guessing at, and a proxy may have guessed otherwise.
     */
    private static void checkChunkExtensions(ByteBuf in, int from, int end) {
        int i = skipWhitespace(in, from, end);
        while (i < end) {
            if (in.getByte(i) != ';') {
                throw new DecoderException("malformed chunk size");
            }
            i = skipWhitespace(in, i + 1, end);
            int name = i;
            i = skipToken(in, i, end);
            if (i == name) {
                throw new DecoderException("malformed chunk extension");
            }
            i = skipWhitespace(in, i, end);
            if (i < end && in.getByte(i) == '=') {
                i = skipWhitespace(in, i + 1, end);
                if (i < end && in.getByte(i) == '"') {
                    i = skipQuotedString(in, i, end);
                } else {
                    int value = i;
                    i = skipToken(in, i, end);
                    if (i == value) {
                        throw new DecoderException("malformed chunk extension");
                    }
                }
                i = skipWhitespace(in, i, end);
            }
        }
    }

    private static int skipWhitespace(ByteBuf in, int i, int end) {
        while (i < end && isWhitespace(in.getByte(i))) {
            i++;
        }
        return i;
    }

    private static int skipToken(ByteBuf in, int i, int end) {
        while (i < end) {
            byte b = in.getByte(i);
            if (b < 0 || !io.posthaste.internal.semantics.HeaderRules.isTokenChar((char) b)) {
                break;
            }
            i++;
        }
        return i;
    }

    /** Returns the index after the quoted-string starting at {@code i} (which is a quote). */
    private static int skipQuotedString(ByteBuf in, int i, int end) {
        for (i++; i < end; i++) {
            int b = in.getByte(i) & 0xff;
            if (b == '"') {
                return i + 1;
            }
            if (b == '\\') {
                i++;
                b = i < end ? in.getByte(i) & 0xff : 0;
            }
            if (b < 0x20 && b != '\t' || b == 0x7f) {
                throw new DecoderException("control character in a chunk extension");
            }
        }
        throw new DecoderException("unterminated quoted string in a chunk extension");
    }

    private static int commonName(ByteBuf in, int start, int length) {
        for (int i = 0; i < COMMON_NAME_BYTES.length; i++) {
            byte[] candidate = COMMON_NAME_BYTES[i];
            if (candidate.length == length && equalsAt(in, start, candidate)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean sameText(ByteBuf in, int start, int length, String previous) {
        if (previous == null || previous.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if ((in.getByte(start + i) & 0xff) != previous.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean equalsAt(ByteBuf in, int start, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (in.getByte(start + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /** Decodes Latin-1 text, refusing control characters other than horizontal tab. */
    private String text(ByteBuf in, int start, int length, String what) {
        if (length == 0) {
            return "";
        }
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        in.getBytes(start, scratch, 0, length);
        for (int i = 0; i < length; i++) {
            int b = scratch[i] & 0xff;
            if (b < 0x20 && b != '\t' || b == 0x7f) {
                throw new DecoderException("control character in the " + what);
            }
        }
        return new String(scratch, 0, length, StandardCharsets.ISO_8859_1);
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }
}
