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
 *
 * <p>{@link #HTTP_3} adds HTTP/3 over QUIC for {@code https://} URLs; see there for when it is
 * used and how a session falls back to TCP.
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
    H2_PRIOR_KNOWLEDGE,

    /**
     * HTTP/3 (RFC 9114) over QUIC, for {@code https://} URLs only (QUIC has no cleartext).
     * <ul>
     * <li>With TCP protocols ({@code HTTP_3, HTTP_2, HTTP_1_1}): HTTP/3 where the server advertised
     *     it by {@code Alt-Svc} (RFC 7838) on an earlier answer, or where the session was told so
     *     ({@link ClientSession.Builder#http3Origins}); TCP otherwise. An HTTP/3 attempt that cannot
     *     connect (UDP blocked, handshake failed) falls back to TCP without failing the request,
     *     and HTTP/3 to that origin rests for a while.
     * <li>Alone ({@code HTTP_3}): HTTP/3 only for {@code https://} URLs, with no TCP fallback;
     *     {@code http://} URLs speak HTTP/1.1.
     * </ul>
     * HTTP/3 needs the QUIC native library, shipped for linux-x86_64; elsewhere the session logs
     * once that HTTP/3 is unavailable and uses TCP.
     */
    HTTP_3
}
