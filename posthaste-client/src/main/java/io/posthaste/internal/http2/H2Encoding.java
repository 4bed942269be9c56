package io.posthaste.internal.http2;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.ReadOnlyHttp2Headers;
import io.netty.util.AsciiString;
import io.posthaste.internal.exchange.ExchangeSpec;
import io.posthaste.internal.exchange.FramedRequest;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Encodes a request for HTTP/2 (RFC 9113 section 8.3.1): the pseudo-headers first
 * ({@code :method}, {@code :scheme}, {@code :authority} from {@code Host}, {@code :path}), then
 * the head's fields with lowercase names, without the connection-specific ones HTTP/2 forbids
 * (section 8.2.2), and {@code content-length} when the length is known. A body in memory (bytes,
 * forms, JSON) is encoded into one buffer; anything else follows from a blocking thread.
 */
final class H2Encoding {

    /** Fields that mean something only to one HTTP/1.1 connection (RFC 9113 section 8.2.2). */
    private static final Set<AsciiString> CONNECTION_SPECIFIC = Set.of(
            AsciiString.cached("host"),
            AsciiString.cached("connection"),
            AsciiString.cached("keep-alive"),
            AsciiString.cached("proxy-connection"),
            AsciiString.cached("transfer-encoding"),
            AsciiString.cached("upgrade"));

    /**
     * The lowercase names of the fields requests carry most (the ones the session adds itself
     * among them), under their usual spellings: a hit costs a lookup instead of two copies.
     */
    private static final Map<String, AsciiString> KNOWN_NAMES = knownNames(
            "Accept",
            "Accept-Encoding",
            "Accept-Language",
            "Authorization",
            "Cache-Control",
            "Content-Encoding",
            "Content-Type",
            "Cookie",
            "Expect",
            "If-Match",
            "If-Modified-Since",
            "If-None-Match",
            "If-Range",
            "Last-Event-ID",
            "Origin",
            "Range",
            "Referer",
            "User-Agent",
            "X-Request-ID");

    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
    private static final AsciiString TE = AsciiString.cached("te");
    private static final AsciiString TRAILERS = AsciiString.cached("trailers");

    private H2Encoding() {}

    /** Encodes the request of {@code spec} for {@code connection}. Any thread. */
    static FramedRequest<Http2Headers> encode(ExchangeSpec spec, ByteBufAllocator alloc, Http2Connection connection)
            throws IOException {
        return FramedRequest.encode(spec, alloc, length -> headers(spec, connection, length));
    }

    private static ReadOnlyHttp2Headers headers(ExchangeSpec spec, Http2Connection connection, long length) {
        String[] lines = spec.headLines();
        int count = spec.headLineCount();
        String authority = spec.url().hostHeader();
        Set<String> listedInConnection = Set.of();
        for (int i = 0; i < count; i += 2) {
            if (lines[i].equalsIgnoreCase("Host")) {
                authority = lines[i + 1];
            } else if (lines[i].equalsIgnoreCase("Connection")) {
                listedInConnection = tokens(lines[i + 1]);
            }
        }
        AsciiString[] fields = new AsciiString[count + 2];
        int n = 0;
        for (int i = 0; i < count; i += 2) {
            AsciiString name = lowercase(lines[i]);
            if (CONNECTION_SPECIFIC.contains(name) || listedInConnection.contains(name.toString())) {
                continue;
            }
            AsciiString value = new AsciiString(lines[i + 1]);
            if (name.equals(TE) && !TRAILERS.contentEqualsIgnoreCase(value)) {
                continue; // Only "te: trailers" may cross to HTTP/2.
            }
            fields[n++] = name;
            fields[n++] = value;
        }
        if (length >= 0) {
            fields[n++] = CONTENT_LENGTH;
            fields[n++] = new AsciiString(Long.toString(length));
        }
        AsciiString[] used = n == fields.length ? fields : java.util.Arrays.copyOf(fields, n);
        return ReadOnlyHttp2Headers.clientHeaders(
                false,
                HttpMethod.valueOf(spec.request().method()).asciiName(),
                connection.path(spec.url().target()),
                connection.scheme(),
                connection.authority(authority),
                used);
    }

    /** Returns {@code name} in lowercase, as HTTP/2 sends names (section 8.2.1). */
    private static AsciiString lowercase(String name) {
        AsciiString known = KNOWN_NAMES.get(name);
        return known != null ? known : new AsciiString(name.toLowerCase(Locale.ROOT));
    }

    private static Map<String, AsciiString> knownNames(String... names) {
        Map<String, AsciiString> known = new HashMap<>();
        for (String name : names) {
            AsciiString lower = AsciiString.cached(name.toLowerCase(Locale.ROOT));
            known.put(name, lower);
            known.put(lower.toString(), lower);
        }
        return Map.copyOf(known);
    }

    private static Set<String> tokens(String value) {
        java.util.HashSet<String> names = new java.util.HashSet<>();
        for (String token : value.split(",")) {
            names.add(token.trim().toLowerCase(Locale.ROOT));
        }
        return names;
    }
}
