package io.posthaste;

/**
 * An HTTP version a session may speak, as set with {@link ClientSession.Builder#protocols}. The
 * default is {@code HTTP_2, HTTP_1_1}: HTTP/2 where a TLS server agrees to it by ALPN, HTTP/1.1
 * everywhere else.
 *
 * <p>Over TLS the protocol is always negotiated (RFC 9113 section 3.2): the client offers, in
 * the order given, {@code h2} when the set contains {@link #HTTP_2} or
 * {@link #H2_PRIOR_KNOWLEDGE}, and {@code http/1.1} when it contains {@link #HTTP_1_1}, and speaks
 * what the server picks. Over cleartext nothing is negotiated: {@code http://} URLs speak HTTP/2
 * only with {@link #H2_PRIOR_KNOWLEDGE} (as curl's {@code --http2-prior-knowledge}), HTTP/1.1
 * otherwise. {@link Response#version()} tells which one answered.
 */
public enum Protocol {

    /** HTTP/1.1 (RFC 9112), offered over TLS as {@code http/1.1}; the cleartext default. */
    HTTP_1_1,

    /** HTTP/2 (RFC 9113) over TLS, when the server agrees to {@code h2} by ALPN. */
    HTTP_2,

    /**
     * HTTP/2 over cleartext without negotiation ({@code h2c} by prior knowledge): for servers
     * known to speak it. A server that does not fails the request, naming that; it is never
     * retried as HTTP/1.1. Over TLS it means the same as {@link #HTTP_2}.
     */
    H2_PRIOR_KNOWLEDGE
}
