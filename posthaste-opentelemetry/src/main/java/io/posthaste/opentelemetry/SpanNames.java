package io.posthaste.opentelemetry;

import io.posthaste.Request;
import io.posthaste.UriTemplate;
import java.util.Set;

/**
 * Span names per the HTTP client conventions: {@code {method} {url.template}} when the request has
 * a template, else {@code {method}}; {@code HTTP} for a method outside the known ones (which
 * would otherwise make the name's cardinality unbounded).
 */
final class SpanNames {

    static final Set<String> KNOWN_METHODS =
            Set.of("CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE");

    private SpanNames() {}

    static String of(Request request) {
        String method = KNOWN_METHODS.contains(request.method()) ? request.method() : "HTTP";
        UriTemplate template = request.tag(UriTemplate.class);
        return template == null ? method : method + " " + template.value();
    }
}
