package io.posthaste.internal.http3;

import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.http3.Http3Exception;
import io.netty.handler.codec.http3.Http3Headers;
import io.posthaste.internal.exchange.ResponseHead;
import java.util.Map;

/**
 * Turns a decoded HTTP/3 header section into what the exchange reads: a {@link ResponseHead}
 * ({@code "HTTP/3"}, no reason phrase, always keep-alive: the stream ends, not the connection) or
 * trailer fields. A malformed section (RFC 9114 section 4.1.2: no or bad {@code :status}, a value
 * with NUL, CR or LF or edge whitespace, too many fields, a bad {@code content-length}) is an
 * H3_MESSAGE_ERROR of that stream alone. Netty has already checked names, pseudo-headers and the
 * section's size.
 */
final class H3Heads {

    static final String VERSION = "HTTP/3";

    private H3Heads() {}

    /** Returns the response head in {@code headers}, of at most {@code maxFields} fields. */
    static ResponseHead head(Http3Headers headers, int maxFields) throws Http3Exception {
        int status = status(headers.status());
        String[] fields = fields(headers, maxFields);
        long contentLength = -1;
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equals("content-length")) {
                contentLength = length(fields[i + 1]);
            }
        }
        return new ResponseHead(VERSION, status, "", fields, true, contentLength);
    }

    /** Returns the regular fields of {@code headers} as alternating names and values. */
    static String[] fields(Http3Headers headers, int maxFields) throws Http3Exception {
        int count = 0;
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            if (!Http3Headers.PseudoHeaderName.hasPseudoHeaderFormat(field.getKey())) {
                count++;
            }
        }
        if (count > maxFields) {
            throw malformed("more than " + maxFields + " header fields (" + count + ")");
        }
        String[] fields = new String[count * 2];
        int i = 0;
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            if (Http3Headers.PseudoHeaderName.hasPseudoHeaderFormat(field.getKey())) {
                continue;
            }
            String value = field.getValue().toString();
            checkValue(field.getKey(), value);
            fields[i++] = field.getKey().toString();
            fields[i++] = value;
        }
        return fields;
    }

    private static int status(CharSequence status) throws Http3Exception {
        if (status == null || status.length() != 3) {
            throw malformed("malformed :status '" + status + "'");
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = status.charAt(i);
            if (c < '0' || c > '9') {
                throw malformed("malformed :status '" + status + "'");
            }
            code = code * 10 + c - '0';
        }
        if (code < 100 || code == 101) {
            // 101 Switching Protocols does not exist in HTTP/3 (RFC 9114 section 4.5).
            throw malformed("invalid :status " + code);
        }
        return code;
    }

    private static void checkValue(CharSequence name, String value) throws Http3Exception {
        int last = value.length() - 1;
        for (int i = 0; i <= last; i++) {
            char c = value.charAt(i);
            boolean edge = (i == 0 || i == last) && (c == ' ' || c == '\t');
            if (c == 0 || c == '\r' || c == '\n' || edge) {
                throw malformed("invalid character in the value of header '" + name + "'");
            }
        }
    }

    private static long length(String value) throws Http3Exception {
        try {
            long length = Long.parseLong(value);
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw malformed("malformed content-length '" + value + "'");
    }

    private static Http3Exception malformed(String message) {
        return new Http3Exception(Http3ErrorCode.H3_MESSAGE_ERROR, message);
    }
}
