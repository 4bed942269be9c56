package io.posthaste.cli;

import io.posthaste.ClientSession;
import io.posthaste.Protocol;
import java.net.URI;
import picocli.CommandLine.Option;

/**
 * {@code --http2} and {@code --http2-prior-knowledge}, shared by the request and {@code bench}
 * commands as a picocli mixin. Without either, the client's default applies: HTTP/2 where a TLS
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
 * </ul>
 * Both apply to redirects followed with {@code --follow} too.
 */
final class HttpVersionOptions {

    // No URLs or dotted versions in descriptions: picocli breaks them across lines (HelpTest).
    @Option(names = "--http2", description = "HTTP/2 only, over TLS, never falling back "
            + "(default: HTTP/2 where a TLS server agrees).")
    boolean http2;

    @Option(names = "--http2-prior-knowledge", description = "HTTP/2 without asking: h2c on plain "
            + "URLs, h2 on TLS ones.")
    boolean priorKnowledge;

    /**
     * Applies the flags to {@code builder} for requests to {@code url}.
     *
     * @throws CliException a usage error for {@code --http2} with an {@code http://} URL
     */
    void applyTo(ClientSession.Builder builder, String url) {
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
     * byte is sent ({@code HTTP/2}), or {@code HTTP/1.1}, which a TLS server can still upgrade to
     * HTTP/2 by ALPN: the request line of {@code -v} and {@code --offline}, printed before the
     * exchange. The response's status line always shows the version that answered.
     */
    String requestVersion(String url) {
        return http2 || priorKnowledge ? "HTTP/2" : "HTTP/1.1";
    }

    private static String scheme(String url) {
        try {
            return URI.create(url).getScheme();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
