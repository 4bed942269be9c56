package io.posthaste.internal.http2;

import static io.netty.handler.codec.http2.Http2Error.PROTOCOL_ERROR;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.posthaste.internal.exchange.ResponseHead;
import java.util.Arrays;
import java.util.Map;

/**
 * Turns a decoded HTTP/2 header block into what the exchange reads: a {@link ResponseHead}
 * ({@code "HTTP/2"}, no reason phrase, always keep-alive: the stream ends, not the connection) or
 * trailer fields. A malformed block (RFC 9113 section 8.1.1: no or bad {@code :status}, a value
 * with NUL, CR or LF or edge whitespace, too many fields) is a stream error, so that stream alone
 * is reset and fails. Names were checked as HPACK decoded them ({@link H2Fields}), as were
 * pseudo-headers and the list size.
 *
 * <p>One per connection, on its event loop: it keeps the strings of recent field names and values,
 * so that a text a server repeats costs no new string and no second check. Most do, response
 * after response: {@code server}, {@code content-type}, {@code date} within its second; HPACK
 * hands back the same object for a field it indexed, and equal characters otherwise.
 */
final class H2Heads {

    static final String VERSION = "HTTP/2";

    private final int maxFields;
    private final Recent names = new Recent();
    /** Values already checked ({@link #checkValue}): a hit needs no check. */
    private final Recent values = new Recent();

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
            fields[i++] = name(field.getKey());
            fields[i++] = value(streamId, field.getKey(), field.getValue());
        }
        return i == fields.length ? fields : Arrays.copyOf(fields, i);
    }

    private String name(CharSequence text) {
        int slot = text.hashCode();
        String known = names.find(slot, text);
        if (known == null) {
            known = text.toString(); // Checked as it was decoded (H2Fields).
            names.keep(slot, text, known);
        }
        return known;
    }

    /** A value is looked for where the last value of its name is: the one it most likely repeats. */
    private String value(int streamId, CharSequence name, CharSequence text) throws Http2Exception {
        int slot = name.hashCode();
        String known = values.find(slot, text);
        if (known == null) {
            known = text.toString();
            checkValue(streamId, name, known);
            values.keep(slot, text, known);
        }
        return known;
    }

    /**
     * Recent texts and their strings, in slots chosen by the caller (the last text of a slot wins
     * it). A text is found when it is the object kept, or has the same characters.
     */
    private static final class Recent {
        private static final int SLOTS = 32;

        private final CharSequence[] texts = new CharSequence[SLOTS];
        private final String[] strings = new String[SLOTS];

        String find(int hash, CharSequence text) {
            int slot = hash & (SLOTS - 1);
            String string = strings[slot];
            if (texts[slot] == text) {
                return string;
            }
            if (string != null && AsciiString.contentEquals(string, text)) {
                texts[slot] = text; // Next time, the cheaper test.
                return string;
            }
            return null;
        }

        void keep(int hash, CharSequence text, String string) {
            int slot = hash & (SLOTS - 1);
            texts[slot] = text;
            strings[slot] = string;
        }
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
