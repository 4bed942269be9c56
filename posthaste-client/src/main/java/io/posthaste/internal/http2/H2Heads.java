package io.posthaste.internal.http2;

import static io.netty.handler.codec.http2.Http2Error.PROTOCOL_ERROR;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.posthaste.internal.exchange.ResponseHead;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns a decoded HTTP/2 header block into what the exchange reads: a {@link ResponseHead}
 * ({@code "HTTP/2"}, no reason phrase, always keep-alive: the stream ends, not the connection) or
 * trailer fields. A malformed block (RFC 9113 section 8.1.1: no or bad {@code :status}, a value
 * with NUL, CR or LF or edge whitespace, too many fields) is a stream error, so that stream alone
 * is reset and fails. Netty has already checked names, pseudo-headers and the list size.
 */
final class H2Heads {

    static final String VERSION = "HTTP/2";

    /**
     * The names servers send most, as the strings the exchange keeps: a decoded name that is one
     * of them costs a lookup (its hash is cached) instead of a new string per response.
     */
    private static final Map<AsciiString, String> KNOWN_NAMES = knownNames(
            "accept-ranges",
            "access-control-allow-credentials",
            "access-control-allow-headers",
            "access-control-allow-methods",
            "access-control-allow-origin",
            "access-control-expose-headers",
            "age",
            "alt-svc",
            "cache-control",
            "content-disposition",
            "content-encoding",
            "content-language",
            "content-length",
            "content-range",
            "content-security-policy",
            "content-type",
            "date",
            "etag",
            "expires",
            "last-modified",
            "link",
            "location",
            "retry-after",
            "server",
            "set-cookie",
            "strict-transport-security",
            "vary",
            "via",
            "www-authenticate",
            "x-content-type-options",
            "x-frame-options",
            "x-request-id");

    private H2Heads() {}

    /** Returns the response head in {@code headers}, of at most {@code maxFields} fields. */
    static ResponseHead head(int streamId, Http2Headers headers, int maxFields) throws Http2Exception {
        int status = status(streamId, headers.status());
        String[] fields = fields(streamId, headers, maxFields);
        long contentLength = -1;
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equals("content-length")) {
                contentLength = length(streamId, fields[i + 1]);
            }
        }
        return new ResponseHead(VERSION, status, "", fields, true, contentLength);
    }

    /** Returns the regular fields of {@code headers} as alternating names and values. */
    static String[] fields(int streamId, Http2Headers headers, int maxFields) throws Http2Exception {
        int count = 0;
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            if (!Http2Headers.PseudoHeaderName.hasPseudoHeaderFormat(field.getKey())) {
                count++;
            }
        }
        if (count > maxFields) {
            throw Http2Exception.streamError(
                    streamId, PROTOCOL_ERROR, "more than %d header fields (%d)", maxFields, count);
        }
        String[] fields = new String[count * 2];
        int i = 0;
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            if (Http2Headers.PseudoHeaderName.hasPseudoHeaderFormat(field.getKey())) {
                continue;
            }
            String value = field.getValue().toString();
            checkValue(streamId, field.getKey(), value);
            fields[i++] = name(field.getKey());
            fields[i++] = value;
        }
        return fields;
    }

    private static String name(CharSequence name) {
        String known = name instanceof AsciiString ascii ? KNOWN_NAMES.get(ascii) : null;
        return known != null ? known : name.toString();
    }

    private static Map<AsciiString, String> knownNames(String... names) {
        Map<AsciiString, String> known = new HashMap<>();
        for (String name : names) {
            known.put(AsciiString.cached(name), name);
        }
        return Map.copyOf(known);
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
