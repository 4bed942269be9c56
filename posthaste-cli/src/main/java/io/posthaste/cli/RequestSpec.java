package io.posthaste.cli;

import io.posthaste.Body;
import io.posthaste.ClientSession;
import io.posthaste.RequestBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request the command line describes, independent of any session: it can be printed
 * ({@code --offline}, {@code --verbose}), sent, and re-aimed at a redirect target. Immutable;
 * its body, if any, is replayable.
 *
 * @param method the method, upper case
 * @param url the absolute URL, query items not yet appended
 * @param headers header names and values in the order given
 * @param removedHeaders automatic headers to leave out (lower case)
 * @param query query parameters from {@code name==value} items
 * @param body the body, or {@code null}
 */
record RequestSpec(
        String method,
        String url,
        List<Map.Entry<String, String>> headers,
        Set<String> removedHeaders,
        List<Map.Entry<String, String>> query,
        Body body) {

    RequestSpec {
        headers = List.copyOf(headers);
        removedHeaders = Set.copyOf(removedHeaders);
        query = List.copyOf(query);
    }

    /** Returns a builder for this request on {@code session}, raise-for-status off. */
    RequestBuilder toBuilder(ClientSession session) {
        RequestBuilder builder = session.request(method, url).raiseForStatus(false);
        headers.forEach(header -> builder.addHeader(header.getKey(), header.getValue()));
        removedHeaders.forEach(builder::skipAutoHeader);
        query.forEach(parameter -> builder.query(parameter.getKey(), parameter.getValue()));
        if (body != null) {
            builder.body(body);
        }
        return builder;
    }

    /** Returns the first value of header {@code name} (any case), or {@code null}. */
    String header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    /** Returns this request with another body (e.g. one that reports progress). */
    RequestSpec withBody(Body newBody) {
        return new RequestSpec(method, url, headers, removedHeaders, query, newBody);
    }
}
