package io.posthaste.internal.http2;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.Http2Headers;
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
    private static final Set<String> CONNECTION_SPECIFIC =
            Set.of("host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");

    /** What HTTP/2 does with a request field, by its name. */
    private enum Kind {
        /** Sent as it is. */
        SENT,
        /** Dropped: it means something only to one HTTP/1.1 connection. */
        CONNECTION_SPECIFIC,
        /** Sent only as {@code te: trailers}. */
        TE
    }

    /** A request field's name as HTTP/2 sends it (section 8.2.1: lowercase), and its kind. */
    private record Name(AsciiString lower, Kind kind) {
        static Name of(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            Kind kind = CONNECTION_SPECIFIC.contains(lower)
                    ? Kind.CONNECTION_SPECIFIC
                    : lower.equals("te") ? Kind.TE : Kind.SENT;
            return new Name(AsciiString.cached(lower), kind);
        }
    }

    /**
     * The lowercase names of the fields requests carry most (the ones the session adds itself
     * among them, and {@code Host}, which every head starts with and HTTP/2 drops), under their
     * usual spellings: a hit costs a lookup instead of two copies and a test.
     */
    private static final Map<String, Name> KNOWN_NAMES = knownNames(
            "Host",
            "Connection",
            "Keep-Alive",
            "Proxy-Connection",
            "Transfer-Encoding",
            "Upgrade",
            "TE",
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

    private static final int PSEUDO_HEADERS = 4;
    private static final AsciiString METHOD = Http2Headers.PseudoHeaderName.METHOD.value();
    private static final AsciiString SCHEME = Http2Headers.PseudoHeaderName.SCHEME.value();
    private static final AsciiString AUTHORITY = Http2Headers.PseudoHeaderName.AUTHORITY.value();
    private static final AsciiString PATH = Http2Headers.PseudoHeaderName.PATH.value();
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
    private static final AsciiString TRAILERS = AsciiString.cached("trailers");

    private H2Encoding() {}

    /** Encodes the request of {@code spec} for {@code connection}. Any thread. */
    static FramedRequest<H2Fields> encode(ExchangeSpec spec, ByteBufAllocator alloc, Http2Connection connection)
            throws IOException {
        return FramedRequest.encode(spec, alloc, length -> headers(spec, connection, length));
    }

    private static H2Fields headers(ExchangeSpec spec, Http2Connection connection, long length) {
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
        CharSequence[] fields = new CharSequence[PSEUDO_HEADERS * 2 + count + 2];
        fields[0] = METHOD;
        fields[1] = HttpMethod.valueOf(spec.request().method()).asciiName();
        fields[2] = SCHEME;
        fields[3] = connection.scheme();
        fields[4] = AUTHORITY;
        fields[5] = connection.authority(authority);
        fields[6] = PATH;
        fields[7] = connection.path(spec.url().target());
        int n = PSEUDO_HEADERS * 2;
        for (int i = 0; i < count; i += 2) {
            Name name = name(lines[i]);
            if (name.kind() == Kind.CONNECTION_SPECIFIC
                    || !listedInConnection.isEmpty()
                            && listedInConnection.contains(name.lower().toString())) {
                continue;
            }
            AsciiString value = connection.fieldValue(i / 2, lines[i + 1]);
            if (name.kind() == Kind.TE && !TRAILERS.contentEqualsIgnoreCase(value)) {
                continue; // Only "te: trailers" may cross to HTTP/2.
            }
            fields[n++] = name.lower();
            fields[n++] = value;
        }
        if (length >= 0) {
            fields[n++] = CONTENT_LENGTH;
            fields[n++] = connection.contentLength(length);
        }
        return H2Fields.of(fields, n);
    }

    private static Name name(String name) {
        Name known = KNOWN_NAMES.get(name);
        return known != null ? known : Name.of(name);
    }

    private static Map<String, Name> knownNames(String... names) {
        Map<String, Name> known = new HashMap<>();
        for (String spelling : names) {
            Name name = Name.of(spelling);
            known.put(spelling, name);
            known.put(name.lower().toString(), name);
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
