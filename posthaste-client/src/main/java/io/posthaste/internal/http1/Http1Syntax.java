package io.posthaste.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.DecoderException;
import io.posthaste.internal.semantics.HeaderRules;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1's response syntax (RFC 9112) as {@link ResponseDecoder} checks it, on bytes in place:
 * lines (CRLF only), the version, field names (tokens), {@code Content-Length}, chunk sizes and
 * their extensions, trailer lines; and the header names seen on almost every response, matched
 * without decoding so that they are shared constants. Every violation is a
 * {@link DecoderException} naming it. Stateless; any thread.
 */
final class Http1Syntax {

    /** The longest chunk size line, extensions included. */
    static final int MAX_CHUNK_LINE = 1024;
    /** Blank lines tolerated before a status line (RFC 9112 section 2.2 allows some). */
    static final int MAX_LEADING_BLANK_LINES = 8;

    static final String[] COMMON_NAMES = {
        "Content-Length",
        "Content-Type",
        "Date",
        "Server",
        "Connection",
        "Transfer-Encoding",
        "Content-Encoding",
        "Keep-Alive",
        "Cache-Control",
        "Set-Cookie",
        "Location",
        "Vary",
        "ETag",
        "Last-Modified",
        "Accept-Ranges",
        "Expires",
        "Access-Control-Allow-Origin",
        "Access-Control-Allow-Credentials",
        "Retry-After"
    };
    static final byte[][] COMMON_NAME_BYTES = new byte[COMMON_NAMES.length][];

    static {
        for (int i = 0; i < COMMON_NAMES.length; i++) {
            COMMON_NAME_BYTES[i] = COMMON_NAMES[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    private Http1Syntax() {}

    /**
     * Returns the index of the CR of the next CRLF, or -1 if the line is not complete yet.
     * A LF without CR before it, or a line over {@code max}, is an error.
     */
    static int lineEnd(ByteBuf in, int max, String what) {
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

    static boolean isVersion(ByteBuf in, int start) {
        return in.getByte(start) == 'H'
                && in.getByte(start + 1) == 'T'
                && in.getByte(start + 2) == 'T'
                && in.getByte(start + 3) == 'P'
                && in.getByte(start + 4) == '/'
                && in.getByte(start + 5) == '1'
                && in.getByte(start + 6) == '.'
                && (in.getByte(start + 7) == '1' || in.getByte(start + 7) == '0');
    }

    /** Trailer fields are checked like header fields (RFC 9112 §7.1.2), then dropped. */
    static void checkTrailerLine(ByteBuf in, int length) {
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
    static int nameEnd(ByteBuf in, int start, int length, String what) {
        for (int i = 0; i < length; i++) {
            byte b = in.getByte(start + i);
            if (b == ':') {
                if (i == 0) {
                    break;
                }
                return i;
            }
            if (b < 0 || !HeaderRules.isTokenChar((char) b)) {
                throw new DecoderException("invalid character in a " + what + " name");
            }
        }
        throw new DecoderException(what + " line without a name and colon");
    }

    static long parseLength(String value) {
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

    static long parseChunkSize(ByteBuf in, int end) {
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
    static void checkChunkExtensions(ByteBuf in, int from, int end) {
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

    static int skipWhitespace(ByteBuf in, int i, int end) {
        while (i < end && isWhitespace(in.getByte(i))) {
            i++;
        }
        return i;
    }

    static int skipToken(ByteBuf in, int i, int end) {
        while (i < end) {
            byte b = in.getByte(i);
            if (b < 0 || !HeaderRules.isTokenChar((char) b)) {
                break;
            }
            i++;
        }
        return i;
    }

    /** Returns the index after the quoted-string starting at {@code i} (which is a quote). */
    static int skipQuotedString(ByteBuf in, int i, int end) {
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

    static int commonName(ByteBuf in, int start, int length) {
        for (int i = 0; i < COMMON_NAME_BYTES.length; i++) {
            byte[] candidate = COMMON_NAME_BYTES[i];
            if (candidate.length == length && equalsAt(in, start, candidate)) {
                return i;
            }
        }
        return -1;
    }

    static boolean sameText(ByteBuf in, int start, int length, String previous) {
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

    static boolean equalsAt(ByteBuf in, int start, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (in.getByte(start + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }
}
