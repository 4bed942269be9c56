package io.posthaste.internal.connection;

import io.posthaste.internal.proxy.ProxyAddress;
import javax.net.ssl.SSLException;

/**
 * A TLS handshake with an {@code https://} proxy failed (its certificate, its name, the
 * handshake itself): the TLS failure of the connect, saying whose it was, so that the caller
 * hears of the proxy, not of the origin it never reached. The message is the cause's.
 */
public final class ProxyTlsException extends SSLException {

    private static final long serialVersionUID = 1L;

    private final transient ProxyAddress proxy;

    ProxyTlsException(ProxyAddress proxy, Throwable cause) {
        super(cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName(), cause);
        this.proxy = proxy;
    }

    /** Returns the proxy, as messages name it (never its password). */
    public String proxy() {
        return String.valueOf(proxy);
    }
}
