package io.posthaste.testing.cassette;

import io.posthaste.Headers;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a cassette never writes down: the values of sensitive headers and of chosen query
 * parameters, each replaced by {@link #REDACTED}. Sensitive are {@code Authorization},
 * {@code Cookie}, {@code Set-Cookie}, {@code Proxy-Authorization}, the headers the session
 * declared sensitive ({@link Headers#isSensitive}) and the cassette's own list. Immutable.
 */
final class Redaction {

    static final String REDACTED = "REDACTED";
    private static final Set<String> ALWAYS = Set.of("authorization", "cookie", "set-cookie", "proxy-authorization");

    private final Set<String> headers;
    private final Set<String> queryParameters;

    /** Takes the extra header names (any case) and the query parameter names (exact). */
    Redaction(Set<String> headers, Set<String> queryParameters) {
        Set<String> lower = new java.util.HashSet<>(ALWAYS);
        headers.forEach(name -> lower.add(name.toLowerCase(Locale.ROOT)));
        this.headers = Set.copyOf(lower);
        this.queryParameters = Set.copyOf(queryParameters);
    }

    /** Returns {@code fields} by name, in order of first appearance, sensitive values redacted. */
    Map<String, List<String>> headers(Headers fields) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            String name = fields.name(i);
            String value = isSecret(name) || fields.isSensitive(name) ? REDACTED : fields.value(i);
            out.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return out;
    }

    /** Returns whether {@code name}'s values are redacted whatever the session says. */
    boolean isSecret(String name) {
        return headers.contains(name.toLowerCase(Locale.ROOT));
    }

    /** Returns {@code url} with the value of every chosen query parameter redacted. */
    String url(URI url) {
        String query = url.getRawQuery();
        String text = url.toString();
        if (query == null || queryParameters.isEmpty()) {
            return text;
        }
        StringBuilder redacted = new StringBuilder(query.length());
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (redacted.length() > 0) {
                redacted.append('&');
            }
            redacted.append(eq >= 0 && queryParameters.contains(name) ? name + "=" + REDACTED : pair);
        }
        int start = text.indexOf('?');
        int end = url.getRawFragment() == null ? text.length() : text.indexOf('#', start);
        return text.substring(0, start + 1) + redacted + text.substring(end);
    }
}
