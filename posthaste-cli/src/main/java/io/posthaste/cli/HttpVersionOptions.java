package io.posthaste.cli;

import io.posthaste.ClientSession;
import io.posthaste.Protocol;
import java.net.URI;
import picocli.CommandLine.Option;

/**
 * {@code --http2}, {@code --http2-prior-knowledge} and {@code --http3}, shared by the request and
 * {@code bench} commands as a picocli mixin. Without either, the client's default applies: HTTP/2 where a TLS
 * server agrees to it by ALPN, HTTP/1.1 everywhere else.
 *
 * <ul>
 * <li>{@code --http2}: HTTP/2 only, over TLS (a server that does not agree to {@code h2} fails
 *     the request instead of falling back to HTTP/1.1). An {@code http://} URL is a usage error:
 *     HTTP/2 over cleartext is never negotiated (no {@code Upgrade: h2c}), so it needs
 *     {@code --http2-prior-knowledge}.
 * <li>{@code --http2-prior-knowledge}: HTTP/2 without asking, as curl's flag of that name: h2c on
 *     {@code http://} URLs, h2 (still by ALPN, and required) on {@code https://} ones. It includes
 *     {@code --http2}.
 * <li>{@code --http3}: HTTP/3 (QUIC) first for the URL's origin, by prior knowledge, as curl's
 *     flag of that name: if QUIC cannot connect (UDP blocked, no HTTP/3 there, or no QUIC native
 *     library on this platform) the request goes over TCP as the other flags say. Other origins
 *     reached by {@code --follow} use HTTP/3 where they advertise it. An {@code http://} URL is a
 *     usage error: QUIC is always encrypted.
 * </ul>
 * They apply to redirects followed with {@code --follow} too.
 */
final class HttpVersionOptions {

    // No URLs or dotted versions in descriptions: picocli breaks them across lines (HelpTest).
    @Option(
            names = "--http2",
            description = "HTTP/2 only, over TLS, never falling back " + "(default: HTTP/2 where a TLS server agrees).")
    boolean http2;

    @Option(
            names = "--http2-prior-knowledge",
            description = "HTTP/2 without asking: h2c on plain " + "URLs, h2 on TLS ones.")
    boolean priorKnowledge;

    @Option(
            names = "--http3",
            description =
                    "HTTP/3 over QUIC first for the URL's origin, " + "falling back to TCP if QUIC cannot connect.")
    boolean http3;

    /**
     * Applies the flags to {@code builder} for requests to {@code url}.
     *
     * @throws CliException a usage error for {@code --http2} or {@code --http3} with an
     *     {@code http://} URL
     */
    void applyTo(ClientSession.Builder builder, String url) {
        if (http3) {
            if (!"https".equalsIgnoreCase(scheme(url))) {
                throw CliException.usage("--http3 is HTTP/3 over QUIC, which is always encrypted: it needs an "
                        + "https URL, not " + url);
            }
            builder.http3Origins(url);
        }
        if (priorKnowledge) {
            builder.protocols(Protocol.H2_PRIOR_KNOWLEDGE);
        } else if (http2) {
            if (!"https".equalsIgnoreCase(scheme(url))) {
                throw CliException.usage("--http2 is HTTP/2 over TLS, agreed by ALPN; for HTTP/2 over "
                        + "cleartext (h2c) to " + url + " use --http2-prior-knowledge");
            }
            // Over TLS, H2_PRIOR_KNOWLEDGE offers h2 alone: HTTP_2 by itself would leave http://
            // redirect targets without a protocol, and HTTP_2 with HTTP_1_1 would fall back.
            builder.protocols(Protocol.H2_PRIOR_KNOWLEDGE);
        }
    }

    /**
     * Returns the version the request will go out with when the flags decide it before any
     * byte is sent ({@code HTTP/2}), the one it tries first ({@code HTTP/3}), or {@code HTTP/1.1},
     * which a TLS server can still upgrade to HTTP/2 by ALPN: the request line of {@code -v} and
     * {@code --offline}, printed before the exchange. The response's status line always shows the
     * version that answered.
     */
    String requestVersion(String url) {
        return http3 ? "HTTP/3" : http2 || priorKnowledge ? "HTTP/2" : "HTTP/1.1";
    }

    private static String scheme(String url) {
        try {
            return URI.create(url).getScheme();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
