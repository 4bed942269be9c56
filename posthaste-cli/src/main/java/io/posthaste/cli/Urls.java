package io.posthaste.cli;

import java.util.Locale;

/** Expands httpie's URL shorthands and resolves redirect targets. */
final class Urls {

    private Urls() {}

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
            return "http://localhost" + (port ? ":" : "")
                    + (rest.isEmpty() || port || rest.startsWith("/") ? rest : "/" + rest);
        }
        return "http://" + url;
    }
}
