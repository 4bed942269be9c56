package io.posthaste.internal.http3;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.Http3Headers;
import io.posthaste.internal.exchange.ExchangeSpec;
import io.posthaste.internal.exchange.FramedRequest;
import java.io.IOException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Encodes a request for HTTP/3 (RFC 9114 section 4.3.1), as HTTP/2 does: the pseudo-headers
 * ({@code :method}, {@code :scheme} https, {@code :authority} from {@code Host}, {@code :path}),
 * then the head's fields with lowercase names, without the connection-specific ones HTTP/3
 * forbids (section 4.2), and {@code content-length} when the length is known. A body in memory
 * (bytes, forms, JSON) is encoded into one buffer; anything else follows from a blocking thread.
 */
final class H3Encoding {

    /** Fields that mean something only to one HTTP/1.1 connection (RFC 9114 section 4.2). */
    private static final Set<String> CONNECTION_SPECIFIC =
            Set.of("host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");

    private H3Encoding() {}

    /** Encodes the request of {@code spec}. Any thread. */
    static FramedRequest<Http3Headers> encode(ExchangeSpec spec, ByteBufAllocator alloc) throws IOException {
        return FramedRequest.encode(spec, alloc, length -> headers(spec, length));
    }

    private static Http3Headers headers(ExchangeSpec spec, long length) {
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
        Http3Headers headers = new DefaultHttp3Headers(false, count / 2 + 6);
        headers.method(spec.request().method())
                .scheme("https")
                .authority(authority)
                .path(spec.url().target());
        for (int i = 0; i < count; i += 2) {
            String name = lines[i].toLowerCase(Locale.ROOT);
            if (CONNECTION_SPECIFIC.contains(name) || listedInConnection.contains(name)) {
                continue;
            }
            if (name.equals("te") && !lines[i + 1].trim().equalsIgnoreCase("trailers")) {
                continue; // Only "te: trailers" may cross to HTTP/3.
            }
            headers.add(name, lines[i + 1]);
        }
        if (length >= 0) {
            headers.set("content-length", Long.toString(length));
        }
        return headers;
    }

    private static Set<String> tokens(String value) {
        Set<String> names = new HashSet<>();
        for (String token : value.split(",")) {
            names.add(token.trim().toLowerCase(Locale.ROOT));
        }
        return names;
    }
}
