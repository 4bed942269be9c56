package io.posthaste;

import java.net.URI;
import java.util.Map;

/**
 * One link of a {@code Link} header (RFC 8288), e.g. {@code <https://api.example.com/items?page=2>;
 * rel="next"}. See {@link Response#links()}.
 *
 * @param url the target, resolved against the response's URL
 * @param parameters the link's parameters with lower-case names ({@code rel}, {@code title}, ...)
 */
public record Link(URI url, Map<String, String> parameters) {

    /** Copies the parameters. */
    public Link {
        parameters = Map.copyOf(parameters);
    }
}
