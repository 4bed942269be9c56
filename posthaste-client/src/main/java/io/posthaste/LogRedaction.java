package io.posthaste;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * What {@link LoggingInterceptor} hides: header values and query (or form) parameter values.
 * Immutable. A hidden value is printed as {@code ██}, as {@link Headers#toString()} prints it.
 */
final class LogRedaction {

    static final String MASK = "██";

    /** Lower-case header names hidden beyond the ones the headers themselves mask. */
    private final Set<String> headers;
    /** Lower-case parameter names whose values are hidden. */
    private final Set<String> parameters;

    LogRedaction(Set<String> headers, Set<String> parameters) {
        this.headers = Set.copyOf(headers);
        this.parameters = Set.copyOf(parameters);
    }

    /**
     * Returns whether the value of {@code name} in {@code fields} is hidden: always for
     * credentials and the session's sensitive headers (which {@code fields} knows), and for the
     * names given to the interceptor.
     */
    boolean hidesHeader(Headers fields, String name) {
        return fields.isMasked(name) || !headers.isEmpty() && headers.contains(name.toLowerCase(Locale.ROOT));
    }

    /** Returns {@code url} with the value of every hidden query parameter masked. */
    String url(URI url) {
        String raw = url.getRawQuery();
        if (raw == null || parameters.isEmpty()) {
            return url.toString();
        }
        String text = url.toString();
        int start = text.indexOf('?') + 1;
        int end = url.getRawFragment() == null ? text.length() : text.lastIndexOf('#');
        return text.substring(0, start) + parameters(text.substring(start, end)) + text.substring(end);
    }

    /**
     * Returns {@code encoded} ({@code a=1&b=2}, a query or a url-encoded form) with the value of
     * every hidden parameter masked; names are compared percent-decoded and in any case.
     */
    String parameters(String encoded) {
        if (parameters.isEmpty()) {
            return encoded;
        }
        StringBuilder out = new StringBuilder(encoded.length());
        int from = 0;
        while (from <= encoded.length()) {
            int amp = encoded.indexOf('&', from);
            int to = amp < 0 ? encoded.length() : amp;
            String pair = encoded.substring(from, to);
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            out.append(eq >= 0 && hidesParameter(name) ? name + "=" + MASK : pair);
            if (amp < 0) {
                break;
            }
            out.append('&');
            from = amp + 1;
        }
        return out.toString();
    }

    private boolean hidesParameter(String encodedName) {
        String name;
        try {
            name = URLDecoder.decode(encodedName, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            name = encodedName;
        }
        return parameters.contains(name.toLowerCase(Locale.ROOT));
    }
}
