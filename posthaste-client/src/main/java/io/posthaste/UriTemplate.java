package io.posthaste;

import java.util.Objects;

/**
 * The template a request's URL was made from, such as {@code /users/{id}}: a request
 * {@linkplain RequestBuilder#tag(Class, Object) tag} that metrics and traces use in place of the
 * URL, which would give one time series per user id. Posthaste never expands it and never checks
 * it against the URL; it is a label chosen by the caller, and should stay one of a few per
 * service.
 *
 * {@snippet :
 * session.get("https://api.example.com/users/" + id)
 *         .tag(UriTemplate.class, new UriTemplate("/users/{id}"))
 *         .send();
 * }
 *
 * <p>Read it back with {@code request.tag(UriTemplate.class)}; {@code null} means the caller
 * gave none, which the integrations report as {@code none} rather than falling back to the path.
 *
 * @param value the template, not blank
 */
public record UriTemplate(String value) {

    /**
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if {@code value} is blank
     */
    public UriTemplate {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("a URI template must not be blank");
        }
    }

    /** Returns the template itself. */
    @Override
    public String toString() {
        return value;
    }
}
