package io.posthaste;

/**
 * {@link Response#json()} was called on a response whose {@code Content-Type} is neither
 * {@code application/json} nor a {@code +json} type. Carries the response's status like its parent.
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
        super(response, "expected a JSON content type but got '"
                + response.headers().firstValue("Content-Type").orElse("") + "' (status "
                + response.status() + ") from " + response.request().method() + " "
                + response.request().redactedUrl());
    }
}
