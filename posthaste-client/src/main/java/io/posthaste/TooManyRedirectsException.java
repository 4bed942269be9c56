package io.posthaste;

import java.util.List;

/**
 * A request was redirected more often than the session allows
 * ({@link ClientSession.Builder#maxRedirects(int)}, 10 by default). The message names the request
 * the caller made and the URL of the last redirect, both without user info; {@link #history()}
 * holds every redirect response received, oldest first, each with its request.
 */
public final class TooManyRedirectsException extends ClientException {

    private static final long serialVersionUID = 1L;

    private final transient List<Response> history;

    /**
     * Creates an exception.
     *
     * @param message the request made, the limit and the last URL; never a credential
     * @param history the redirect responses, oldest first
     */
    public TooManyRedirectsException(String message, List<Response> history) {
        super(message, null);
        this.history = List.copyOf(history);
    }

    /** Returns the redirect responses received, oldest first. */
    public List<Response> history() {
        return history;
    }
}
