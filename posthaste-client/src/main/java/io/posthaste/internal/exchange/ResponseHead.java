package io.posthaste.internal.exchange;

/**
 * A decoded response head.
 *
 * @param version {@code "HTTP/1.1"} or {@code "HTTP/1.0"}
 * @param status the status code
 * @param reason the reason phrase, possibly empty
 * @param headers alternating names and values, in order
 * @param keepAlive whether the connection may carry another exchange after this one
 * @param contentLength the declared length, or -1 when not given
 */
public record ResponseHead(
        String version, int status, String reason, String[] headers, boolean keepAlive, long contentLength) {

    /** Returns whether this is an interim (1xx) head other than 101. */
    public boolean isInterim() {
        return status >= 100 && status < 200 && status != 101;
    }

    /** Returns the first value of {@code name} (any case), or {@code null}. */
    public String header(String name) {
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase(name)) {
                return headers[i + 1];
            }
        }
        return null;
    }
}
