package io.posthaste;

import org.jspecify.annotations.Nullable;

/**
 * A proxy would not open the way to the origin: it answered {@code 407} to the credentials of
 * the proxy URL (or had none), refused the {@code CONNECT} ({@code 403}, {@code 502}, …), refused
 * a SOCKS request, or closed the connection before it answered. The message names the request,
 * the proxy (never its password) and the target. Nothing of the request reached the origin, and
 * the call is not tried again: another attempt would meet the same proxy. A proxy that does not
 * answer in time is a {@link ClientTimeoutException} of phase {@code CONNECT} instead.
 */
public final class ProxyException extends ClientException {

    private static final long serialVersionUID = 1L;

    private final String proxy;
    private final int status;

    /**
     * Creates an exception; {@code message} must already name the request, the proxy and the target.
     *
     * @param message what happened
     * @param proxy the proxy URL without its password
     * @param status the proxy's HTTP status, or -1 (SOCKS, or no answer)
     * @param cause the underlying failure, or {@code null}
     */
    public ProxyException(String message, String proxy, int status, @Nullable Throwable cause) {
        super(message, cause);
        this.proxy = proxy;
        this.status = status;
    }

    /** Returns the proxy's URL, without its password. */
    public String proxy() {
        return proxy;
    }

    /** Returns the HTTP status the proxy answered ({@code 407}, {@code 403}, …), or -1 if it gave none. */
    public int status() {
        return status;
    }
}
