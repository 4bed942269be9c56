package io.posthaste.internal.proxy;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * A proxy as a URL names it, the way curl and httpx read one:
 * {@code http://[user:password@]host:port}, {@code https://…}, {@code socks5://…} (target names
 * looked up here), {@code socks5h://…} (by the proxy), {@code socks4a://…}. A URL without a scheme
 * is an HTTP proxy; without a port it takes the scheme's (80, 443, 1080). User and password are
 * percent-decoded. {@link #toString()} never shows the password. Immutable.
 *
 * @param kind how the proxy is spoken to
 * @param host its host (IPv6 without brackets)
 * @param port its port
 * @param user the user name, or {@code null}
 * @param password the password, or {@code null} (then the user has none: an empty one is sent)
 */
public record ProxyAddress(Kind kind, String host, int port, String user, String password) {

    /** How a proxy is spoken to. */
    public enum Kind {
        /** HTTP: absolute-form requests for http targets, CONNECT tunnels for https ones. */
        HTTP("http", 80),
        /** As {@link #HTTP}, over TLS to the proxy, verified like any server. */
        HTTPS("https", 443),
        /** SOCKS5, target names looked up by the client. */
        SOCKS5("socks5", 1080),
        /** SOCKS5, target names looked up by the proxy. */
        SOCKS5H("socks5h", 1080),
        /** SOCKS4a: target names looked up by the proxy; a user name but no password. */
        SOCKS4A("socks4a", 1080);

        private final String scheme;
        private final int defaultPort;

        Kind(String scheme, int defaultPort) {
            this.scheme = scheme;
            this.defaultPort = defaultPort;
        }

        /** Returns the URL scheme naming this kind. */
        public String scheme() {
            return scheme;
        }

        /** Returns whether this is an HTTP proxy (plain or over TLS). */
        public boolean isHttp() {
            return this == HTTP || this == HTTPS;
        }
    }

    /**
     * Parses a proxy URL.
     *
     * @throws IllegalArgumentException if it is malformed or its scheme is no proxy's (the
     *     message never quotes a password)
     */
    public static ProxyAddress parse(String url) {
        String text = url.trim();
        if (!text.contains("://")) {
            text = "http://" + text;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a proxy URL: '" + redact(text) + "'");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        Kind kind = null;
        for (Kind k : Kind.values()) {
            if (k.scheme.equals(scheme)) {
                kind = k;
            }
        }
        if (kind == null) {
            throw new IllegalArgumentException("unsupported proxy scheme '" + scheme + "' in '" + redact(text)
                    + "': use http, https, socks5, socks5h or socks4a");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("proxy URL has no host: '" + redact(text) + "'");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String path = uri.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/") || uri.getRawQuery() != null) {
            throw new IllegalArgumentException("a proxy URL has no path or query: '" + redact(text) + "'");
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
            // Credentials end up inside header lines (Digest quotes them as they are): a control
            // character there would split the head sent to the proxy.
            if (hasControl(user) || password != null && hasControl(password)) {
                throw new IllegalArgumentException("the proxy URL's user or password has a control character "
                        + "(CR, LF, NUL, ...): '" + redact(text) + "'");
            }
        }
        int port = uri.getPort() == -1 ? kind.defaultPort : uri.getPort();
        return new ProxyAddress(kind, host.toLowerCase(Locale.ROOT), port, user, password);
    }

    /**
     * Returns whether requests to a target of this scheme go to the proxy as they are, in
     * absolute form ({@code GET http://host/path}), rather than through a tunnel: an HTTP proxy's
     * way with {@code http://} targets.
     */
    public boolean forwards(boolean httpsTarget) {
        return kind.isHttp() && !httpsTarget;
    }

    /** Returns the {@code Proxy-Authorization} value for Basic, or {@code null} without a user. */
    public String basicAuthorization() {
        if (user == null) {
            return null;
        }
        String pair = user + ":" + (password == null ? "" : password);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** Returns the URL without the password: safe for messages and logs. */
    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return kind.scheme + "://" + (user == null ? "" : user + "@") + h + ":" + port;
    }

    private static boolean hasControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Hides the password of a URL that could not be parsed (it may still hold one). */
    static String redact(String url) {
        int at = url.lastIndexOf('@');
        int start = url.indexOf("://");
        if (at < 0 || start < 0 || at < start) {
            return url;
        }
        String userInfo = url.substring(start + 3, at);
        int colon = userInfo.indexOf(':');
        return colon < 0
                ? url
                : url.substring(0, start + 3) + userInfo.substring(0, colon) + ":***" + url.substring(at);
    }
}
