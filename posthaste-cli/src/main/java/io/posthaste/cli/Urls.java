package io.posthaste.cli;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/** Expands httpie's URL shorthands and resolves redirect targets. */
final class Urls {

    private Urls() {
    }

    /**
     * Returns {@code url} as an absolute http(s) URL: {@code :8080/x} is
     * {@code http://localhost:8080/x}, {@code :/x} is {@code http://localhost/x}, and a URL
     * without a scheme ({@code localhost:8080/x}, {@code example.org}) gets {@code http://}.
     */
    static String expand(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return url;
        }
        if (url.startsWith("://")) {
            return "http" + url;
        }
        if (url.startsWith(":")) {
            String rest = url.substring(1);
            boolean port = !rest.isEmpty() && Character.isDigit(rest.charAt(0));
            return "http://localhost" + (port ? ":" : "") + (rest.isEmpty() || port
                    || rest.startsWith("/") ? rest : "/" + rest);
        }
        return "http://" + url;
    }

    /** Returns the target of a {@code Location} header, resolved against the URL it came from. */
    static String resolve(URI from, String location) {
        return from.resolve(URI.create(location.strip())).toString();
    }

    /** Returns whether two URLs have the same scheme, host and port (so credentials may follow). */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && Objects.equals(a.getHost(), b.getHost()) && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }
}
