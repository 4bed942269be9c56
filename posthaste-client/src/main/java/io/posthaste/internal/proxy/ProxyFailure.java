package io.posthaste.internal.proxy;

import java.io.IOException;

/**
 * A proxy would not open the way to a target: what it answered, in terms the exception the caller
 * sees is made from. The message names the proxy (never its password) and the target.
 */
public final class ProxyFailure extends IOException {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason {
        /** The proxy wants (other) credentials: HTTP 407, or a SOCKS5 authentication failure. */
        AUTHENTICATION,
        /** The proxy answered with a refusal: an HTTP status other than 2xx, or a SOCKS error. */
        REFUSED,
        /** The proxy closed the connection before it answered. */
        CLOSED,
        /** The proxy did not answer within the connect timeout. */
        TIMEOUT
    }

    private final transient ProxyAddress proxy;
    private final String target;
    private final Reason reason;
    private final int status;

    /**
     * @param proxy the proxy
     * @param target the target, {@code host:port}
     * @param reason what went wrong
     * @param status the proxy's HTTP status, or -1
     * @param detail what the proxy said, for the message
     * @param cause the transport's exception
     */
    public ProxyFailure(ProxyAddress proxy, String target, Reason reason, int status, String detail, Throwable cause) {
        super("proxy " + proxy + " " + describe(reason, status, detail) + " for " + target, cause);
        this.proxy = proxy;
        this.target = target;
        this.reason = reason;
        this.status = status;
    }

    private static String describe(Reason reason, int status, String detail) {
        return switch (reason) {
            case AUTHENTICATION ->
                status == 407
                        ? "answered 407 (Proxy Authentication Required) to the credentials given"
                                + (detail.isEmpty() ? "" : ": " + detail)
                        : "refused the credentials given (" + detail + ")";
            case REFUSED ->
                status > 0 ? "answered " + detail + " to CONNECT" : "refused the connection (" + detail + ")";
            case CLOSED -> "closed the connection before it answered";
            case TIMEOUT -> "did not answer within the connect timeout";
        };
    }

    /** Returns the proxy. */
    public ProxyAddress proxy() {
        return proxy;
    }

    /** Returns the target, {@code host:port}. */
    public String target() {
        return target;
    }

    /** Returns what went wrong. */
    public Reason reason() {
        return reason;
    }

    /** Returns the proxy's HTTP status, or -1 if it gave none. */
    public int status() {
        return status;
    }
}
