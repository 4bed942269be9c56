package io.posthaste.cli;

import io.posthaste.ClientSession;
import io.posthaste.StreamingResponse;
import io.posthaste.Timeouts;
import java.net.URI;
import java.time.Duration;
import javax.net.ssl.X509TrustManager;

/**
 * Sends a {@link RequestSpec} and returns the streamed answer, following redirects by hand with
 * {@code --follow} (the client does not follow them yet). Intermediate answers are closed;
 * the final one is the caller's to close.
 */
final class Sender {

    private Sender() {
    }

    /**
     * Returns a session for one command: one event-loop thread (one request at a time needs no
     * more, and it starts faster), the given trust and timeouts, and no raise-for-status (the
     * command prints 4xx/5xx answers and decides the exit code itself).
     *
     * @param trust the trust manager, or {@code null} for the JDK's trust store
     * @param timeout {@code --timeout}: applied to connecting, the TLS handshake, and each wait
     *     for bytes; {@code null} for the client's defaults
     */
    static ClientSession session(X509TrustManager trust, Duration timeout) {
        ClientSession.Builder builder = ClientSession.builder().eventLoopThreads(1).raiseForStatus(false);
        if (trust != null) {
            builder.trustManager(trust);
        }
        if (timeout != null) {
            builder.timeouts(Timeouts.defaults().toBuilder().connect(timeout).tlsHandshake(timeout)
                    .read(timeout).write(timeout).build());
        }
        return builder.build();
    }

    /**
     * Sends {@code spec}; with {@code follow}, sends again to each {@code Location} of a 3xx
     * answer, at most {@code maxRedirects} times.
     *
     * @throws CliException with {@link ExitCode#TOO_MANY_REDIRECTS} past the limit
     */
    static StreamingResponse send(ClientSession session, RequestSpec spec, boolean follow, int maxRedirects) {
        RequestSpec current = spec;
        for (int redirects = 0; ; redirects++) {
            StreamingResponse response = current.toBuilder(session).stream();
            String location = response.headers().firstValue("Location").orElse(null);
            if (!follow || !isRedirect(response.status()) || location == null) {
                return response;
            }
            // Closing before the body is read closes the connection: redirect bodies are not worth draining.
            response.close();
            if (redirects >= maxRedirects) {
                throw new CliException(ExitCode.TOO_MANY_REDIRECTS, "too many redirects (more than "
                        + maxRedirects + "): " + current.method() + " " + response.url()
                        + " (raise --max-redirects)");
            }
            URI from = response.url();
            current = current.redirectedTo(Urls.resolve(from, location), response.status());
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }
}
