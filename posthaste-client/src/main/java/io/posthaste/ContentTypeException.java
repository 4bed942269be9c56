package io.posthaste;

/**
 * {@link Response#json()} (or {@code json(Class)}, {@code json(TypeReference)}) was called on a
 * response whose {@code Content-Type} is neither {@code application/json} nor a {@code +json}
 * type, or an {@link EventStream} got an answer that is not {@code 200 text/event-stream}. It is a
 * {@link ClientResponseException}, as aiohttp's {@code ContentTypeError} is a
 * {@code ClientResponseError}, because it describes a response: {@link #status()}, headers and the
 * body (capped) of the response that was not JSON, whose status is often a success, e.g. a 200 HTML
 * page from a proxy. A handler of 4xx/5xx errors that must not see it catches this type first.
 * Turn the check off with {@link ClientSession.Builder#checkJsonContentType(boolean)} when a
 * server mislabels its JSON.
 */
public final class ContentTypeException extends ClientResponseException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception for a response with a non-JSON content type.
     *
     * @param response the response
     */
    public ContentTypeException(Response response) {
        super(
                response,
                "expected a JSON content type but got '"
                        + response.headers().firstValue("Content-Type").orElse("") + "' (status "
                        + response.status() + ") from " + response.request().method() + " "
                        + response.request().redactedUrl());
    }

    /** Creates an exception for a response that is not what was asked for, saying why. */
    ContentTypeException(Response response, String message) {
        super(response, message);
    }
}
