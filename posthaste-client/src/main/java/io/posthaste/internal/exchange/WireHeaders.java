package io.posthaste.internal.exchange;

import io.posthaste.Body;
import io.posthaste.Headers;
import io.posthaste.InvalidRequestException;
import io.posthaste.MediaType;
import io.posthaste.Request;
import io.posthaste.internal.Bridge;
import io.posthaste.internal.body.BodyKind;
import io.posthaste.internal.decode.ContentCodings;
import io.posthaste.internal.proxy.Route;
import io.posthaste.internal.semantics.HttpSemantics;
import io.posthaste.internal.session.RequestExtras;
import io.posthaste.internal.session.SessionConfig;
import io.posthaste.internal.url.RequestUrl;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Works out the request head as it goes on the wire: {@code Host} first, then the caller's and
 * the session's headers in order, then the automatic ones the caller did not set or skip
 * ({@code Accept}, {@code Accept-Encoding}, {@code User-Agent}, {@code Content-Type}), then the
 * framing ({@code Content-Length} or {@code Transfer-Encoding}) chosen from the body.
 */
public final class WireHeaders {

    private static final Set<String> BODYLESS_WITHOUT_LENGTH = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "CONNECT");
    private static final Set<String> DEFAULT_TYPED = Set.of("POST", "PUT", "PATCH");

    private WireHeaders() {}

    public static ExchangeSpec spec(SessionConfig config, Request request, BodyPolicy policy) {
        RequestUrl url = Bridge.get().url(request);
        Headers headers = request.headers();
        Set<String> skipped = request.skippedAutoHeaders();
        Body body = request.body().orElse(null);
        BodyKind kind = BodyKind.of(body);
        String method = request.method();
        RequestExtras extras = Bridge.get().extras(request);
        Route route = config.routes().choose(url.isHttps(), url.host(), url.port(), extras.route());

        Lines lines = new Lines(headers.size() * 2 + 14);
        String host = headers.get("Host");
        lines.add("Host", host != null ? host : url.hostHeader());
        String userLength = null;
        String userTransferEncoding = null;
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            if (name.equalsIgnoreCase("Host")) {
                continue;
            }
            if (name.equalsIgnoreCase("Content-Length")) {
                userLength = headers.value(i).trim();
                continue;
            }
            if (name.equalsIgnoreCase("Transfer-Encoding")) {
                userTransferEncoding = headers.value(i).trim();
                continue;
            }
            if (route.proxy() != null
                    && name.equalsIgnoreCase("Proxy-Authorization")
                    && !(route.forwards(url.isHttps()) && route.proxy().user() == null)) {
                // Through a tunnel this head reaches the origin, which must never see proxy
                // credentials; a forwarded head goes to the proxy, which may take the caller's own
                // (another scheme), unless the proxy URL's user replaces them.
                continue;
            }
            lines.add(name, headers.value(i));
        }
        addUnlessPresent(lines, headers, skipped, "Accept", "*/*");
        if (config.decompress()) {
            addUnlessPresent(lines, headers, skipped, "Accept-Encoding", ContentCodings.acceptEncoding());
        }
        addUnlessPresent(lines, headers, skipped, "User-Agent", config.userAgent());
        if (url.userInfo() != null && !headers.contains("Authorization")) {
            lines.add("Authorization", basic(url.userInfo()));
        }
        MediaType type = body == null ? null : body.contentType();
        if (body != null && type == null && DEFAULT_TYPED.contains(method)) {
            type = MediaType.OCTET_STREAM;
        }
        if (type != null) {
            addUnlessPresent(lines, headers, skipped, "Content-Type", type.toString());
        }

        ExchangeSpec.Framing framing;
        long length = -1;
        if (userLength != null && userTransferEncoding != null) {
            throw new InvalidRequestException(
                    method + " " + url + ": both Content-Length and Transfer-Encoding were set");
        }
        if (userTransferEncoding != null && !userTransferEncoding.equalsIgnoreCase("chunked")) {
            throw new InvalidRequestException(
                    method + " " + url + ": only 'Transfer-Encoding: chunked' can be set on a request");
        }
        long explicitLength = userLength == null ? -1 : parseLength(userLength, method, url);
        if (body == null) {
            if (explicitLength > 0) {
                throw new InvalidRequestException(
                        method + " " + url + ": Content-Length is " + explicitLength + " but the request has no body");
            }
            boolean sendZero = explicitLength == 0 || !BODYLESS_WITHOUT_LENGTH.contains(method);
            framing = sendZero ? ExchangeSpec.Framing.LENGTH : ExchangeSpec.Framing.NONE;
            length = sendZero ? 0 : -1;
        } else if (userTransferEncoding != null) {
            framing = ExchangeSpec.Framing.CHUNKED;
        } else if (kind == BodyKind.JSON) {
            framing = ExchangeSpec.Framing.ENCODED_LENGTH;
        } else if (body.contentLength() >= 0) {
            if (explicitLength >= 0 && explicitLength != body.contentLength()) {
                throw new InvalidRequestException(method + " " + url + ": Content-Length is " + explicitLength
                        + " but the body has " + body.contentLength() + " bytes");
            }
            framing = ExchangeSpec.Framing.LENGTH;
            length = body.contentLength();
        } else if (explicitLength >= 0) {
            framing = ExchangeSpec.Framing.LENGTH;
            length = explicitLength;
        } else {
            framing = ExchangeSpec.Framing.CHUNKED;
        }
        boolean retryable = HttpSemantics.isIdempotent(method) && (body == null || body.isReplayable());
        return new ExchangeSpec(
                request,
                url,
                lines.array,
                lines.size,
                body,
                kind,
                framing,
                length,
                request.timeouts(),
                policy,
                config.maxResponseBodySize(),
                config.decompress(),
                retryable,
                extras.progress(),
                route);
    }

    private static void addUnlessPresent(Lines lines, Headers headers, Set<String> skipped, String name, String value) {
        if (!headers.contains(name) && (skipped.isEmpty() || !skipped.contains(name.toLowerCase(Locale.ROOT)))) {
            lines.add(name, value);
        }
    }

    /** Names and values in one array: a request head costs no list and no copy. */
    private static final class Lines {
        final String[] array;
        int size;

        Lines(int capacity) {
            array = new String[capacity];
        }

        void add(String name, String value) {
            array[size++] = name;
            array[size++] = value;
        }
    }

    private static long parseLength(String value, String method, RequestUrl url) {
        try {
            long length = Long.parseLong(value);
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException ignored) {
            // Reported below with the request named.
        }
        throw new InvalidRequestException(
                method + " " + url + ": Content-Length '" + value + "' is not a non-negative number");
    }

    private static String basic(String rawUserInfo) {
        String decoded = java.net.URLDecoder.decode(rawUserInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
        return HttpSemantics.basicAuthorization(decoded);
    }
}
