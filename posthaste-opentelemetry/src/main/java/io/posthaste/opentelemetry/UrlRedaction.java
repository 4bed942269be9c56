package io.posthaste.opentelemetry;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Makes {@code url.full}: the request's URL (which never has user info) with the values of
 * sensitive query parameters replaced by {@code REDACTED}, as the semantic conventions ask.
 * Immutable.
 */
final class UrlRedaction {

    /** The parameters the HTTP semantic conventions name as sensitive, lower case. */
    static final Set<String> DEFAULT_PARAMETERS = Set.of("awsaccesskeyid", "signature", "sig", "x-goog-signature");

    private final Set<String> parameters;

    UrlRedaction(Set<String> parameters) {
        this.parameters = Set.copyOf(parameters);
    }

    String full(URI url) {
        String text = url.toString();
        String query = url.getRawQuery();
        if (query == null) {
            return text;
        }
        int start = text.indexOf('?') + 1;
        int end = start + query.length();
        StringBuilder out = new StringBuilder(text.length()).append(text, 0, start);
        int from = 0;
        while (true) {
            int amp = query.indexOf('&', from);
            String pair = query.substring(from, amp < 0 ? query.length() : amp);
            int eq = pair.indexOf('=');
            out.append(eq > 0 && redacts(pair.substring(0, eq)) ? pair.substring(0, eq) + "=REDACTED" : pair);
            if (amp < 0) {
                break;
            }
            out.append('&');
            from = amp + 1;
        }
        return out.append(text, end, text.length()).toString();
    }

    private boolean redacts(String encodedName) {
        String name;
        try {
            name = URLDecoder.decode(encodedName, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            name = encodedName;
        }
        return parameters.contains(name.toLowerCase(Locale.ROOT));
    }
}
