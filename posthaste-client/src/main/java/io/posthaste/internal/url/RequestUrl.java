package io.posthaste.internal.url;

import io.posthaste.InvalidRequestException;
import io.posthaste.internal.semantics.HeaderRules;
import java.io.ByteArrayOutputStream;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed, validated {@code http} or {@code https} URL, with everything the wire needs worked
 * out once: the host to connect to, the {@code Host} header, the request-target, the user info.
 *
 * <p>Parsing is strict where lenient parsers have been exploited (security checklist A2, A6, A7):
 * control characters and spaces anywhere, a backslash in the authority, or a host that
 * {@link URI} and this parser read differently are all rejected. A non-ASCII host is converted to
 * punycode exactly once; non-ASCII characters in the path and query are percent-encoded as UTF-8;
 * existing {@code %XX} escapes are kept as they are, never encoded twice. The fragment is dropped:
 * it is never sent.
 *
 * @param uri the URL without user info and fragment (what messages and {@code Response.url()} show)
 * @param scheme {@code "http"} or {@code "https"}
 * @param host the host to connect to: punycode, IPv6 without brackets
 * @param port the port, the scheme's default when none was given
 * @param hostHeader the {@code Host} value: default port omitted, IPv6 in brackets
 * @param target the request-target: path (at least {@code /}) and query
 * @param userInfo the raw user info, or {@code null}
 */
public record RequestUrl(
        URI uri, String scheme, String host, int port, String hostHeader, String target, String userInfo) {

    /**
     * Parses an absolute {@code http(s)} URL.
     *
     * @throws InvalidRequestException if it is malformed, not http(s), or ambiguous
     */
    public static RequestUrl parse(String url) {
        if (url == null) {
            throw new NullPointerException("url");
        }
        checkCharacters(url);
        int schemeEnd = url.indexOf("://");
        if (schemeEnd <= 0) {
            throw new InvalidRequestException("not an absolute http(s) URL: '" + brief(url) + "'");
        }
        String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidRequestException(
                    "unsupported URL scheme '" + scheme + "' (only http and https): '" + brief(url) + "'");
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = indexOfAny(url, authorityStart, "/?#");
        String authority = url.substring(authorityStart, authorityEnd);
        if (authority.indexOf('\\') >= 0) {
            throw new InvalidRequestException("backslash in the authority of '" + brief(url) + "'");
        }
        String asciiAuthority = toAsciiAuthority(authority, url);
        String rest = encodeNonAscii(url.substring(authorityEnd));
        URI uri;
        try {
            uri = new URI(scheme + "://" + asciiAuthority + rest);
        } catch (URISyntaxException e) {
            throw new InvalidRequestException("malformed URL '" + brief(url) + "': " + e.getReason(), e);
        }
        return fromUri(uri, url, hostOf(asciiAuthority));
    }

    /**
     * Resolves {@code reference} against {@code base} as RFC 3986 §5.2 says (not as
     * {@link URI#resolve}, which follows the older RFC 2396): {@code "bar"} replaces the last
     * segment of the base path, {@code "/bar"} the whole path, {@code "?q"} only the query,
     * {@code "//host/p"} the authority, an absolute URL everything; dot segments are removed and
     * never climb above the root.
     */
    public static RequestUrl resolve(RequestUrl base, String reference) {
        if (reference == null) {
            throw new NullPointerException("url");
        }
        if (!reference.isEmpty()) { // "" is the base itself (RFC 3986 §5.4.1)
            checkCharacters(reference);
        }
        int colon = reference.indexOf(':');
        int firstDelimiter = indexOfAny(reference, 0, "/?#");
        if (colon > 0 && colon < firstDelimiter) {
            return parse(reference);
        }
        String ref = encodeNonAscii(reference);
        int hash = ref.indexOf('#');
        if (hash >= 0) {
            ref = ref.substring(0, hash); // fragments never reach the server
        }
        if (ref.startsWith("//")) {
            return parse(base.scheme + ":" + ref); // network-path reference: a new authority
        }
        int question = ref.indexOf('?');
        String refPath = question >= 0 ? ref.substring(0, question) : ref;
        String refQuery = question >= 0 ? ref.substring(question + 1) : null;
        String basePath = base.uri.getRawPath() == null ? "" : base.uri.getRawPath();
        String path;
        String query;
        if (refPath.isEmpty()) {
            path = basePath;
            query = refQuery != null ? refQuery : base.uri.getRawQuery();
        } else {
            path = removeDotSegments(
                    refPath.startsWith("/")
                            ? refPath
                            : basePath.isEmpty()
                                    ? "/" + refPath
                                    : basePath.substring(0, basePath.lastIndexOf('/') + 1) + refPath);
            query = refQuery;
        }
        return parse(base.scheme + "://" + base.uri.getRawAuthority() + path + (query != null ? "?" + query : ""));
    }

    /**
     * RFC 3986 §5.2.4: removes {@code .} and {@code ..} segments, never climbing above the root
     * (so {@code /../admin} is {@code /admin}, not sent to the server as it stands).
     */
    static String removeDotSegments(String path) {
        StringBuilder out = new StringBuilder(path.length());
        String in = path;
        while (!in.isEmpty()) {
            if (in.startsWith("../")) {
                in = in.substring(3);
            } else if (in.startsWith("./")) {
                in = in.substring(2);
            } else if (in.startsWith("/./")) {
                in = in.substring(2);
            } else if (in.equals("/.")) {
                in = "/";
            } else if (in.startsWith("/../") || in.equals("/..")) {
                in = "/" + in.substring(in.length() == 3 ? 3 : 4);
                int last = out.lastIndexOf("/");
                out.setLength(Math.max(last, 0));
            } else if (in.equals(".") || in.equals("..")) {
                in = "";
            } else {
                int next = in.indexOf('/', in.startsWith("/") ? 1 : 0);
                String segment = next < 0 ? in : in.substring(0, next);
                out.append(segment);
                in = next < 0 ? "" : in.substring(next);
            }
        }
        return out.toString();
    }

    /** Returns this URL with {@code params} appended to its query, each key and value encoded. */
    public RequestUrl withQueryParameters(List<Map.Entry<String, String>> params) {
        if (params.isEmpty()) {
            return this;
        }
        ByteArrayOutputStream query = new ByteArrayOutputStream(64);
        String existing = uri.getRawQuery();
        if (existing != null && !existing.isEmpty()) {
            query.writeBytes(existing.getBytes(StandardCharsets.US_ASCII));
        }
        for (Map.Entry<String, String> param : params) {
            if (query.size() > 0) {
                query.write('&');
            }
            FormEncoding.appendEncoded(query, param.getKey(), StandardCharsets.UTF_8, false);
            query.write('=');
            FormEncoding.appendEncoded(query, param.getValue(), StandardCharsets.UTF_8, false);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String q = query.toString(StandardCharsets.US_ASCII);
        URI withQuery = URI.create(scheme + "://" + uri.getRawAuthority() + path + "?" + q);
        return new RequestUrl(withQuery, scheme, host, port, hostHeader, path + "?" + q, userInfo);
    }

    /** Returns whether {@code other} has the same scheme, host and port (RFC 6454 origin). */
    public boolean sameOrigin(RequestUrl other) {
        return scheme.equals(other.scheme) && host.equalsIgnoreCase(other.host) && port == other.port;
    }

    /** Returns whether the scheme is {@code https}. */
    public boolean isHttps() {
        return scheme.equals("https");
    }

    /** Returns the URL as text, without user info and fragment. */
    @Override
    public String toString() {
        return uri.toString();
    }

    private static RequestUrl fromUri(URI uri, String original, String parsedHost) {
        String uriHost = uri.getHost();
        if (uriHost == null || uriHost.isEmpty()) {
            throw new InvalidRequestException("URL has no valid host: '" + brief(original) + "'");
        }
        if (!uriHost.equalsIgnoreCase(parsedHost)) {
            throw new InvalidRequestException("ambiguous host in URL '" + brief(original) + "'");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int defaultPort = scheme.equals("https") ? 443 : 80;
        int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new InvalidRequestException("port out of range in '" + brief(original) + "'");
        }
        if (uri.getRawAuthority().endsWith(":")) {
            throw new InvalidRequestException("empty port in '" + brief(original) + "'");
        }
        String host = uriHost.toLowerCase(Locale.ROOT);
        String connectHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        String hostHeader = port == defaultPort ? host : host + ":" + port;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String query = uri.getRawQuery();
        String target = query == null ? path : path + "?" + query;
        URI clean;
        try {
            clean = new URI(scheme + "://" + hostHeaderFor(host, uri.getPort()) + target);
        } catch (URISyntaxException e) {
            throw new InvalidRequestException("malformed URL '" + brief(original) + "'", e);
        }
        return new RequestUrl(clean, scheme, connectHost, port, hostHeader, target, uri.getRawUserInfo());
    }

    private static String hostHeaderFor(String host, int explicitPort) {
        return explicitPort == -1 ? host : host + ":" + explicitPort;
    }

    /** Returns the host part of an ASCII authority: after the last '@', without the port. */
    private static String hostOf(String authority) {
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close < 0 ? hostPort : hostPort.substring(0, close + 1);
        }
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    private static String toAsciiAuthority(String authority, String url) {
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? "" : authority.substring(0, at + 1);
        String hostPort = authority.substring(at + 1);
        if (userInfo.indexOf('@') != userInfo.length() - 1 && !userInfo.isEmpty()) {
            throw new InvalidRequestException("more than one '@' in the authority of '" + brief(url) + "'");
        }
        String host = hostOf(hostPort);
        String portPart = hostPort.substring(host.length());
        if (host.isEmpty()) {
            throw new InvalidRequestException("URL has no host: '" + brief(url) + "'");
        }
        boolean ascii = host.chars().allMatch(c -> c < 0x80);
        if (!ascii) {
            try {
                host = IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("host cannot be converted to punycode: '" + brief(url) + "'", e);
            }
        }
        if (host.indexOf('%') >= 0) {
            throw new InvalidRequestException("percent-encoded host in '" + brief(url) + "'");
        }
        return encodeNonAscii(userInfo) + host + portPart;
    }

    private static void checkCharacters(String url) {
        if (url.isEmpty()) {
            throw new InvalidRequestException("URL is empty");
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= 0x20 || c == 0x7f) {
                throw new InvalidRequestException("URL contains " + (c == ' ' ? "a space" : HeaderRules.describe(c))
                        + " at index " + i + ": '" + brief(url) + "'");
            }
        }
    }

    private static String encodeNonAscii(String s) {
        boolean ascii = true;
        for (int i = 0; i < s.length() && ascii; i++) {
            ascii = s.charAt(i) < 0x80;
        }
        if (ascii) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (cp < 0x80) {
                out.append((char) cp);
            } else {
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%')
                            .append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
                }
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    private static int indexOfAny(String s, int from, String chars) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    /** Returns the URL for a message: user info removed, and cut short. */
    static String brief(String url) {
        String shown = url;
        int scheme = shown.indexOf("://");
        if (scheme > 0) {
            int end = indexOfAny(shown, scheme + 3, "/?#");
            int at = shown.lastIndexOf('@', end - 1);
            if (at > scheme) {
                shown = shown.substring(0, scheme + 3) + "***@" + shown.substring(at + 1);
            }
        }
        return HeaderRules.printable(shown.length() > 200 ? shown.substring(0, 200) : shown);
    }
}
