package io.posthaste.internal.http2;

import static io.netty.handler.codec.http2.Http2Error.PROTOCOL_ERROR;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.posthaste.internal.exchange.ResponseHead;
import java.util.Arrays;
import java.util.Map;

/**
 * Turns a decoded HTTP/2 header block into what the exchange reads: a {@link ResponseHead}
 * ({@code "HTTP/2"}, no reason phrase, always keep-alive: the stream ends, not the connection) or
 * trailer fields. A malformed block (RFC 9113 section 8.1.1: no or bad {@code :status}, a value
 * with NUL, CR or LF or edge whitespace, too many fields) is a stream error, so that stream alone
 * is reset and fails. Netty has already checked names, pseudo-headers and the list size.
 *
 * <p>One per connection, on its event loop: it keeps the strings of the last fields it turned,
 * so that a name or value HPACK decodes from its tables (the same object each time a server
 * repeats a field, as {@code server} or {@code content-type}) costs no new string.
 */
final class H2Heads {

    static final String VERSION = "HTTP/2";

    /** How many field texts are remembered: a response's worth, and then some. */
    private static final int REMEMBERED = 16;

    private final int maxFields;
    private final Object[] texts = new Object[REMEMBERED];
    private final String[] strings = new String[REMEMBERED];
    private int next;

    /** Turns header blocks of at most {@code maxFields} fields. */
    H2Heads(int maxFields) {
        this.maxFields = maxFields;
    }

    /** Returns the response head in {@code headers}. */
    ResponseHead head(int streamId, Http2Headers headers) throws Http2Exception {
        int status = status(streamId, headers.status());
        String[] fields = fields(streamId, headers);
        long contentLength = -1;
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equals("content-length")) {
                contentLength = length(streamId, fields[i + 1]);
            }
        }
        return new ResponseHead(VERSION, status, "", fields, true, contentLength);
    }

    /** Returns the regular fields of {@code headers} as alternating names and values. */
    String[] fields(int streamId, Http2Headers headers) throws Http2Exception {
        // One pass: room for every field but :status (a response's only pseudo-header; were there
        // more, the array is trimmed below).
        int room = headers.size() - (headers.status() != null ? 1 : 0);
        String[] fields = new String[room * 2];
        int i = 0;
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            if (Http2Headers.PseudoHeaderName.hasPseudoHeaderFormat(field.getKey())) {
                continue;
            }
            if (i / 2 == maxFields) {
                throw Http2Exception.streamError(
                        streamId, PROTOCOL_ERROR, "more than %d header fields (%d)", maxFields, room);
            }
            String value = string(field.getValue());
            checkValue(streamId, field.getKey(), value);
            fields[i++] = string(field.getKey());
            fields[i++] = value;
        }
        return i == fields.length ? fields : Arrays.copyOf(fields, i);
    }

    /** Returns {@code text} as a string: the one made last time, if it is the same object. */
    private String string(CharSequence text) {
        for (int i = 0; i < REMEMBERED; i++) {
            if (texts[i] == text) {
                return strings[i];
            }
        }
        String made = text.toString();
        texts[next] = text;
        strings[next] = made;
        next = (next + 1) % REMEMBERED;
        return made;
    }

    /**
     * Describes {@code error}, read from the peer, in our words where it is Netty's header list
     * limit ({@code maxHeaderListSize}, the session's {@code maxResponseHeaderSize}): a list that
     * decodes to more fails its stream (HPACK decodes it to the end, keeping no field past the
     * limit, so that the tables stay in step); a block whose compressed bytes alone pass 1.25 times
     * the limit is not decoded at all, and fails the connection. Netty says only "Header size
     * exceeded max allowed size (N)", with N that larger bound in the second case.
     */
    static String describe(Http2Exception error, int maxHeaderListSize) {
        String message = String.valueOf(error.getMessage());
        if (!message.startsWith("Header size exceeded max allowed size")) {
            return message;
        }
        String limit = "over maxResponseHeaderSize (" + maxHeaderListSize + " bytes)";
        return error instanceof Http2Exception.StreamException
                ? "response header list " + limit
                : "response header block " + limit + ", too large to decode (" + message + ")";
    }

    /** Names an HTTP/2 error code: its name and hex value, or the hex value of an unknown one. */
    static String errorName(long code) {
        Http2Error error = Http2Error.valueOf(code);
        return (error != null ? error.name() + " " : "") + "(0x" + Long.toHexString(code) + ")";
    }

    private static int status(int streamId, CharSequence status) throws Http2Exception {
        if (status == null || status.length() != 3) {
            throw Http2Exception.streamError(streamId, PROTOCOL_ERROR, "malformed :status '%s'", status);
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = status.charAt(i);
            if (c < '0' || c > '9') {
                throw Http2Exception.streamError(streamId, PROTOCOL_ERROR, "malformed :status '%s'", status);
            }
            code = code * 10 + c - '0';
        }
        if (code < 100 || code == 101) {
            // 101 Switching Protocols does not exist in HTTP/2 (RFC 9113 section 8.6).
            throw Http2Exception.streamError(streamId, PROTOCOL_ERROR, "invalid :status %d", code);
        }
        return code;
    }

    private static void checkValue(int streamId, CharSequence name, String value) throws Http2Exception {
        int last = value.length() - 1;
        for (int i = 0; i <= last; i++) {
            char c = value.charAt(i);
            boolean edge = (i == 0 || i == last) && (c == ' ' || c == '\t');
            if (c == 0 || c == '\r' || c == '\n' || edge) {
                throw Http2Exception.streamError(
                        streamId, PROTOCOL_ERROR, "invalid character in the value of header '%s'", name);
            }
        }
    }

    private static long length(int streamId, String value) throws Http2Exception {
        try {
            long length = Long.parseLong(value);
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw Http2Exception.streamError(streamId, PROTOCOL_ERROR, "malformed content-length '%s'", value);
    }
}
